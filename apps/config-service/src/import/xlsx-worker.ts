// Worker thread entry (xlsx-off-thread.ts starts it once and reuses it): parses one workbook per message.
import { parentPort, threadId } from 'node:worker_threads';
import { FileRejectedError } from './file-rejected.error';
import type { ImportLimitsConfig } from './import-limits';
import type { Sheet } from './sheet';
import { readXlsx } from './xlsx-reader';

export interface XlsxJob {
  id: number;
  file: Uint8Array;
  limits: ImportLimitsConfig;
}

export type XlsxAnswer = { id: number } & (
  | { ok: true; sheets: Sheet[]; threadId: number }
  | { ok: false; rejected?: { code: string; message: string; status: number }; message: string }
);

async function parse({ id, file, limits }: XlsxJob): Promise<XlsxAnswer> {
  try {
    const sheets = await readXlsx(Buffer.from(file.buffer, file.byteOffset, file.byteLength), limits);
    return { id, ok: true, sheets, threadId };
  } catch (error) {
    // Errors do not survive the thread boundary as classes: the refusal travels as data.
    const rejected =
      error instanceof FileRejectedError
        ? { code: error.code, message: error.message, status: error.status }
        : undefined;
    return { id, ok: false, rejected, message: (error as Error).message };
  }
}

parentPort?.on('message', (job: XlsxJob) => void parse(job).then((answer) => parentPort?.postMessage(answer)));
