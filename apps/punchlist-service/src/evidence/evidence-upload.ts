import busboy from 'busboy';
import type { Request } from 'express';
import { DomainError, ValidationFailedError } from '@atp/platform-http';
import { sniffContentType } from './content-sniffer';
import type { EvidenceStore } from './evidence-store';

export interface ReceivedEvidence {
  blobKey: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  comment: string | null;
}

export interface UploadLimits {
  maxBytes: number;
  maxCommentLength: number;
}

class TooLarge extends DomainError {
  constructor(maxBytes: number) {
    super(413, 'FILE_TOO_LARGE', `The evidence file is larger than ${maxBytes} bytes`, { maxBytes });
  }
}

/**
 * Reads a multipart evidence upload (`file` + `comment`), streaming the file into the store under
 * `blobKey`. Everything a client can get wrong answers 4xx and leaves no blob behind: not multipart
 * (415), no file (400), a second file or unknown field (400), over the limit (413), a type we cannot
 * recognise from its bytes (415).
 */
export async function receiveEvidence(request: Request, store: EvidenceStore, blobKey: string, limits: UploadLimits): Promise<ReceivedEvidence> {
  if (!/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
    throw new DomainError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Evidence is uploaded as multipart/form-data with a "file" part');
  }
  let stored = false;
  try {
    const received = await parse(request, store, blobKey, limits, () => (stored = true));
    const contentType = sniffContentType(received.head, received.fileName);
    if (received.sizeBytes === 0) throw new ValidationFailedError([{ field: 'file', message: 'is empty' }]);
    if (!contentType) {
      throw new DomainError(415, 'UNSUPPORTED_EVIDENCE_TYPE', 'The file is not a PDF, image or Office/zip document (judged by its content)');
    }
    return { blobKey, fileName: received.fileName, contentType, sizeBytes: received.sizeBytes, sha256: received.sha256, comment: received.comment };
  } catch (error) {
    if (stored) await store.delete(blobKey);
    throw error;
  }
}

interface Parsed {
  fileName: string;
  sizeBytes: number;
  sha256: string;
  head: Buffer;
  comment: string | null;
}

function parse(request: Request, store: EvidenceStore, blobKey: string, limits: UploadLimits, onStored: () => void): Promise<Parsed> {
  return new Promise<Parsed>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { fileSize: limits.maxBytes, files: 1, fields: 4, fieldSize: limits.maxCommentLength, parts: 5 },
      });
    } catch (error) {
      reject(new ValidationFailedError([{ field: 'file', message: `not a readable multipart body: ${(error as Error).message}` }]));
      return;
    }
    let failure: Error | null = null;
    let comment: string | null = null;
    let upload: Promise<Omit<Parsed, 'comment'>> | null = null;
    // The parser reads the whole body even after a refusal (busboy discards the rest), so the client
    // always gets its answer; the first refusal is the one reported.
    const fail = (error: Error) => {
      failure ??= error;
    };
    let settled = false;
    const finish = async () => {
      if (settled) return;
      settled = true;
      const file = upload ? await upload.catch((error: Error) => fail(error)) : undefined;
      if (failure) return reject(failure);
      if (!file) return reject(new ValidationFailedError([{ field: 'file', message: 'a file part named "file" is required' }]));
      resolve({ ...file, comment });
    };
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || upload) {
        stream.resume();
        fail(new ValidationFailedError([{ field: name, message: upload ? 'only one file may be sent' : 'unknown part; the file goes in "file"' }]));
        return;
      }
      let truncated = false;
      stream.on('limit', () => {
        truncated = true;
        fail(new TooLarge(limits.maxBytes));
      });
      const fileName = (info.filename || 'evidence').slice(0, 255);
      upload = store.put(blobKey, stream).then((blob) => {
        onStored();
        if (truncated) throw new TooLarge(limits.maxBytes);
        return { ...blob, fileName };
      });
      upload.catch((error: Error) => fail(error));
    });
    parser.on('field', (name, value, info) => {
      if (name !== 'comment') return fail(new ValidationFailedError([{ field: name, message: 'unknown field (allowed: file, comment)' }]));
      if (info.valueTruncated) return fail(new ValidationFailedError([{ field: 'comment', message: `must be at most ${limits.maxCommentLength} characters` }]));
      comment = value.trim() === '' ? null : value;
    });
    parser.on('filesLimit', () => fail(new ValidationFailedError([{ field: 'file', message: 'only one file may be sent' }])));
    parser.on('fieldsLimit', () => fail(new ValidationFailedError([{ field: 'comment', message: 'too many fields' }])));
    parser.on('partsLimit', () => fail(new ValidationFailedError([{ field: 'file', message: 'too many parts' }])));
    parser.on('error', (error: Error) => {
      fail(new ValidationFailedError([{ field: 'file', message: `malformed multipart body: ${error.message}` }]));
      request.unpipe(parser);
      request.resume();
      void finish();
    });
    parser.on('close', () => void finish());
    request.pipe(parser);
  });
}
