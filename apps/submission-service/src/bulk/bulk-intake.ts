import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { ByteMeter, FileTooLargeError } from '@atp/platform-blob-store';
import { DomainError } from '@atp/platform-http';

/** Where bulk zips wait for their job (an emptyDir in Kubernetes); the sweeper removes leftovers of a crash. */
export const BULK_WORK_DIR = join(tmpdir(), 'atp-bulk');

export interface BulkUpload {
  manifest: { fileName: string; bytes: Buffer; sha256: string };
  /** A temporary file holding the zip; the caller removes it. */
  documents: { path: string; sizeBytes: number; sha256: string };
}

export interface BulkIntakeLimits {
  maxManifestBytes: number;
  maxZipBytes: number;
}

function badRequest(code: string, message: string, field?: string): DomainError {
  return new DomainError(400, code, message, field ? { field } : {}, field ? [{ field, message }] : []);
}

function tooLarge(field: string, maxBytes: number): DomainError {
  return new DomainError(413, 'FILE_TOO_LARGE', `${field} is larger than the limit of ${maxBytes} bytes`, {
    field,
    maxBytes,
  });
}

/**
 * Reads `manifest` (kept in memory, capped) and `documents` (a zip streamed to a temporary file, capped)
 * from a multipart body. Always reads the body to its end so the client gets the answer; on any refusal
 * or an aborted request it rejects and removes the temporary file.
 */
export async function receiveBulkUpload(request: IncomingMessage, limits: BulkIntakeLimits): Promise<BulkUpload> {
  if (!/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
    throw new DomainError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send manifest and documents as multipart/form-data');
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      limits: { files: 2, fields: 0, parts: 4, fileSize: Math.max(limits.maxManifestBytes, limits.maxZipBytes) + 1 },
    });
  } catch {
    throw badRequest('MALFORMED_MULTIPART', 'the multipart body has no boundary');
  }
  await mkdir(BULK_WORK_DIR, { recursive: true });
  const path = join(BULK_WORK_DIR, `${randomUUID()}.zip`);
  try {
    return await parse(request, parser, limits, path);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

function parse(
  request: IncomingMessage,
  parser: busboy.Busboy,
  limits: BulkIntakeLimits,
  path: string,
): Promise<BulkUpload> {
  return new Promise<BulkUpload>((resolve, reject) => {
    let failure: Error | null = null;
    const fail = (error: Error) => {
      failure ??= error;
    };
    const work: Array<Promise<void>> = [];
    const received = new Set<string>();
    let manifest: BulkUpload['manifest'] | null = null;
    let documents: BulkUpload['documents'] | null = null;
    parser.on('field', (name) => fail(badRequest('UNKNOWN_FIELD', `unknown form field ${name}`, name)));
    parser.on('fieldsLimit', () => fail(badRequest('UNKNOWN_FIELD', 'the form takes no text fields')));
    parser.on('filesLimit', () => fail(badRequest('TOO_MANY_FILES', 'send one manifest and one documents zip')));
    parser.on('partsLimit', () => fail(badRequest('TOO_MANY_PARTS', 'the form has too many parts')));
    parser.on('file', (name, stream, info) => {
      if (!['manifest', 'documents'].includes(name) || received.has(name)) {
        fail(badRequest('UNKNOWN_FIELD', `unexpected file field ${name}; send manifest and documents once each`, name));
        stream.resume();
        return;
      }
      received.add(name);
      const maxBytes = name === 'manifest' ? limits.maxManifestBytes : limits.maxZipBytes;
      const meter = new ByteMeter(maxBytes);
      // A pass-through between busboy and the sinks: a failed sink must never destroy busboy's own stream
      // (that stalls the parser and the client never gets its answer); the rest is drained instead.
      const pass = new PassThrough();
      stream.on('error', (error: Error) => pass.destroy(error));
      stream.on('limit', () => pass.destroy(tooLarge(name, maxBytes)));
      stream.pipe(pass);
      const task =
        name === 'manifest'
          ? (async () => {
              const chunks: Buffer[] = [];
              meter.on('data', (chunk: Buffer) => chunks.push(chunk));
              await pipeline(pass, meter);
              manifest = {
                fileName: info.filename || 'manifest',
                bytes: Buffer.concat(chunks),
                sha256: meter.digest(),
              };
            })()
          : (async () => {
              await pipeline(pass, meter, createWriteStream(path, { flags: 'wx' }));
              documents = { path, sizeBytes: meter.sizeBytes, sha256: meter.digest() };
            })();
      work.push(
        task.catch((error: Error) => {
          fail(error instanceof FileTooLargeError ? tooLarge(name, maxBytes) : error);
          stream.unpipe(pass);
          stream.resume(); // drain the rest so the client still gets the answer
        }),
      );
    });
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      await Promise.all(work);
      if (!failure && !manifest)
        fail(badRequest('FILE_REQUIRED', 'the form has no manifest (CSV or XLSX)', 'manifest'));
      if (!failure && !documents) fail(badRequest('FILE_REQUIRED', 'the form has no documents zip', 'documents'));
      if (failure) reject(failure);
      else resolve({ manifest: manifest as BulkUpload['manifest'], documents: documents as BulkUpload['documents'] });
    };
    parser.on('close', () => void finish());
    parser.on('error', (error: Error) => {
      fail(/Unexpected end|Malformed/.test(error.message) ? badRequest('MALFORMED_MULTIPART', error.message) : error);
      void finish();
    });
    const aborted = () => {
      if (!request.complete) parser.destroy(new Error('Unexpected end of form: the client aborted the upload'));
    };
    request.on('aborted', aborted);
    request.on('close', aborted);
    request.pipe(parser);
  });
}
