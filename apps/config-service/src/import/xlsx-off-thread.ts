import { extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FileRejectedError } from './file-rejected.error';
import type { ImportLimitsConfig } from './import-limits';
import type { Sheet } from './sheet';
import type { XlsxAnswer, XlsxJob } from './xlsx-worker';
import { assertInflatesWithin } from './zip-directory';

/** Heap of the parsing thread: a workbook that needs more is refused instead of starving the service. */
export const XLSX_WORKER_HEAP_MB = 1024;

// Compiled (dist/, .js) the worker is a sibling file; from source (.ts: npm start, jest) it needs the
// repository's TypeScript hook, which a worker does not inherit from jest.
const ext = extname(__filename);
const WORKER_FILE = join(__dirname, `xlsx-worker${ext}`);
const REGISTER = resolve(__dirname, '../../../../scripts/register.cjs');
const workerExecArgv = () =>
  ext === '.ts' && !process.execArgv.some((arg) => arg.includes('register.cjs'))
    ? [...process.execArgv, '--require', REGISTER]
    : process.execArgv;

type Pending = { resolve: (parsed: { sheets: Sheet[]; threadId: number }) => void; reject: (error: Error) => void };

/**
 * One parsing thread, started on the first XLSX upload and kept (exceljs takes a while to load), with
 * one workbook in it at a time: imports are rare, and queueing them bounds the memory they take. A
 * thread that dies (out of memory) fails its job and is replaced on the next one.
 */
class XlsxThread {
  private worker: Worker | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  parse(file: Buffer, limits: ImportLimitsConfig): Promise<{ sheets: Sheet[]; threadId: number }> {
    const run = this.queue.then(() => this.send(file, limits));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private send(file: Buffer, limits: ImportLimitsConfig): Promise<{ sheets: Sheet[]; threadId: number }> {
    const worker = this.ensureWorker();
    const job: XlsxJob = { id: this.nextId++, file: new Uint8Array(file), limits: { ...limits } };
    worker.ref(); // a job in flight keeps the process alive; an idle thread does not
    return new Promise<{ sheets: Sheet[]; threadId: number }>((resolvePromise, reject) => {
      this.pending.set(job.id, { resolve: resolvePromise, reject });
      worker.postMessage(job);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_FILE, {
      execArgv: workerExecArgv(),
      resourceLimits: { maxOldGenerationSizeMb: XLSX_WORKER_HEAP_MB },
    });
    worker.on('message', (answer: XlsxAnswer) => {
      const pending = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (!pending) return;
      if (answer.ok) pending.resolve({ sheets: answer.sheets, threadId: answer.threadId });
      else if (answer.rejected)
        pending.reject(new FileRejectedError(answer.rejected.code, answer.rejected.message, answer.rejected.status));
      else pending.reject(new Error(`XLSX worker: ${answer.message}`));
    });
    const fail = (error: Error & { code?: string }) => {
      if (this.worker === worker) this.worker = null;
      const reason =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new FileRejectedError(
              'WORKBOOK_TOO_LARGE',
              `The workbook needs more than ${XLSX_WORKER_HEAP_MB} MB to read`,
              413,
            )
          : error;
      for (const pending of this.pending.values()) pending.reject(reason);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`XLSX worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

const thread = new XlsxThread();

/**
 * Parses an XLSX upload in a worker thread: exceljs inflates and walks the whole workbook
 * synchronously in places, which would stall every other request of the service. The zip-bomb check
 * runs first, here (it only reads the zip directory), so a bomb never reaches the thread; the worker
 * checks again with the same limits as `readXlsx`.
 */
export async function readXlsxOffThread(file: Buffer, limits: ImportLimitsConfig): Promise<Sheet[]> {
  return (await parseXlsxInWorker(file, limits)).sheets;
}

/** As readXlsxOffThread, with the id of the thread that parsed (tests prove it is not the caller's). */
export async function parseXlsxInWorker(
  file: Buffer,
  limits: ImportLimitsConfig,
): Promise<{ sheets: Sheet[]; threadId: number }> {
  await assertInflatesWithin(file);
  return thread.parse(file, limits);
}
