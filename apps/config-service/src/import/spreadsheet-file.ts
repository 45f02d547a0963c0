import { readSectionedCsv } from './csv-reader';
import { FileRejectedError } from './file-rejected.error';
import type { ImportLimitsConfig } from './import-limits';
import type { Sheet } from './sheet';
import { readXlsxOffThread } from './xlsx-off-thread';

export interface UploadedSpreadsheet {
  fileName: string;
  buffer: Buffer;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Reads an upload as XLSX (by its zip signature, not by the name the client chose; parsed in a worker
 * thread) or as sectioned CSV.
 */
export async function readSpreadsheet(
  file: UploadedSpreadsheet,
  limits: ImportLimitsConfig,
  defaultSheet: string,
): Promise<Sheet[]> {
  if (file.buffer.length === 0) throw new FileRejectedError('EMPTY_FILE', 'The uploaded file is empty');
  if (file.buffer.length > limits.maxFileBytes) {
    throw new FileRejectedError(
      'FILE_TOO_LARGE',
      `The file has ${file.buffer.length} bytes; at most ${limits.maxFileBytes} are accepted`,
      413,
    );
  }
  if (file.buffer.subarray(0, 4).equals(ZIP_MAGIC)) return readXlsxOffThread(file.buffer, limits);
  if (/\.xlsx$/i.test(file.fileName))
    throw new FileRejectedError('NOT_AN_XLSX', 'The file is named .xlsx but is not an XLSX workbook');
  return readSectionedCsv(file.buffer, limits, defaultSheet);
}
