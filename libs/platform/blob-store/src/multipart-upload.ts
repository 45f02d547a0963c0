import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import busboy from 'busboy';
import { DomainError } from '@atp/platform-http';
import { FileTooLargeError } from './blob-errors';
import type { BlobStore, StoredBlob } from './blob-store';
import type { FileKind, SniffedType } from './content-sniffer';
import { inspectUpload } from './upload-intake';

export interface ReceivedFile {
  fieldName: string;
  fileName: string;
  type: SniffedType;
  blob: StoredBlob;
}

export interface MultipartUploadOptions {
  store: BlobStore;
  /** The key to store the file under (chosen before the first byte, so it can be recorded as an intent). */
  blobKey: string;
  maxBytes: number;
  /** The one file field accepted (`file`). */
  fileField?: string;
  /** Text fields accepted besides the file; any other field is a 400. */
  textFields: readonly string[];
  accept?: readonly FileKind[];
}

export interface MultipartUpload {
  fields: Record<string, string>;
  file: ReceivedFile;
}

const MAX_FIELD_BYTES = 8 * 1024;

function badRequest(code: string, message: string, field?: string): DomainError {
  return new DomainError(400, code, message, field ? { field } : {}, field ? [{ field, message }] : []);
}

/**
 * Streams the one file of a multipart request into the blob store: the type is decided from the first
 * bytes before anything is stored, the size is limited while streaming, and the whole body is always read
 * to its end (so the client gets the answer, not a reset). Resolves only when the blob is stored and the
 * form is complete; on any refusal or an aborted request it rejects and nothing is left in the store.
 */
export function receiveMultipartUpload(
  request: IncomingMessage,
  options: MultipartUploadOptions,
): Promise<MultipartUpload> {
  const fileField = options.fileField ?? 'file';
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    return Promise.reject(new DomainError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the file as multipart/form-data'));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      limits: {
        files: 1,
        fileSize: options.maxBytes,
        fields: options.textFields.length,
        fieldSize: MAX_FIELD_BYTES,
        parts: 20,
      },
    });
  } catch {
    return Promise.reject(badRequest('MALFORMED_MULTIPART', 'the multipart body has no boundary'));
  }

  return new Promise<MultipartUpload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let failure: Error | null = null;
    let stored: Promise<ReceivedFile> | null = null;
    let formDone = false;
    const fail = (error: Error) => {
      failure ??= error;
    };

    parser.on('field', (name, value, info) => {
      if (!options.textFields.includes(name)) fail(badRequest('UNKNOWN_FIELD', `unknown form field ${name}`, name));
      else if (info.valueTruncated) fail(badRequest('FIELD_TOO_LONG', `form field ${name} is too long`, name));
      else fields[name] = value;
    });
    parser.on('fieldsLimit', () => fail(badRequest('TOO_MANY_FIELDS', 'the form has too many fields')));
    parser.on('filesLimit', () =>
      fail(badRequest('ONE_FILE_ONLY', `send exactly one file in the field ${fileField}`, fileField)),
    );
    parser.on('partsLimit', () => fail(badRequest('TOO_MANY_PARTS', 'the form has too many parts')));

    parser.on('file', (name, stream, info) => {
      if (name !== fileField || stored) {
        fail(badRequest('UNKNOWN_FIELD', `unexpected file field ${name}; send the file as ${fileField}`, name));
        stream.resume();
        return;
      }
      // A pass-through between busboy and the store: a failed store never destroys busboy's stream
      // (which would stall the parser); the rest of the file is drained instead.
      const pass = new PassThrough();
      stream.on('error', (error) => pass.destroy(error));
      stream.on('limit', () => pass.destroy(new FileTooLargeError(options.maxBytes)));
      stream.pipe(pass);
      const fileName = info.filename || 'upload';
      stored = (async () => {
        const inspected = await inspectUpload(pass, { fileName, accept: options.accept });
        const blob = await options.store.put(inspected.stream, {
          key: options.blobKey,
          maxBytes: options.maxBytes,
          contentType: inspected.type.contentType,
        });
        return { fieldName: name, fileName, type: inspected.type, blob };
      })();
      stored.catch(() => {
        stream.unpipe(pass);
        stream.resume();
      });
    });

    let finishing = false;
    const finish = async () => {
      if (!formDone || finishing) return;
      finishing = true;
      const result = stored
        ? await stored.then(
            (file) => ({ file }),
            (error: Error) => ({ error }),
          )
        : null;
      if (!failure && !result)
        fail(badRequest('FILE_REQUIRED', `the form has no file in the field ${fileField}`, fileField));
      if (result && 'error' in result) fail(result.error);
      if (failure) {
        if (result && 'file' in result) await options.store.delete(result.file.blob.key);
        reject(failure);
        return;
      }
      resolve({ fields, file: (result as { file: ReceivedFile }).file });
    };

    parser.on('close', () => {
      formDone = true;
      void finish();
    });
    parser.on('error', (error: Error) => {
      fail(/Unexpected end|Malformed/.test(error.message) ? badRequest('MALFORMED_MULTIPART', error.message) : error);
      formDone = true;
      void finish();
    });
    // A client that goes away mid-upload: busboy destroys the open file stream, the store removes its temp.
    const aborted = () => {
      if (!request.complete) parser.destroy(new Error('Unexpected end of form: the client aborted the upload'));
    };
    request.on('aborted', aborted);
    request.on('close', aborted);
    request.pipe(parser);
  });
}

/** A form's file held in memory, as the routes that parse it whole (spreadsheet imports) need it. */
export interface FormFile {
  fieldName: string;
  originalname: string;
  buffer: Buffer;
}

export interface MultipartForm {
  /** Every text field, by name (the route's DTO validation refuses the unknown ones). */
  fields: Record<string, string>;
  file?: FormFile;
}

export interface MultipartFormOptions {
  maxFileBytes: number;
  /** The one file field accepted (`file`). */
  fileField?: string;
}

/** As many parts as a form may have (text fields and files), as under multer with Nest's default. */
const MAX_FORM_PARTS = 1000;

/** The `Multipart: ...` refusal of a form busboy cannot parse. */
function malformedForm(error: Error): DomainError {
  const message = error.message.startsWith('Multipart:') ? error.message : `Multipart: ${error.message}`;
  return new DomainError(400, 'BAD_REQUEST', message);
}

/**
 * Reads a multipart form whose one file the route parses whole (an import): the file, at most `maxFileBytes`
 * (counted while streaming: a larger one is refused with 413 as soon as it passes the limit, and nothing more is
 * kept), and the text fields. The same intake as `receiveMultipartUpload` (busboy on the Node request) with the
 * refusals spreadsheet imports have always answered: 413 `File too large`, 400 for another file field, a second
 * file, too many parts or a malformed form. The rest of the body is read to its end before the refusal is answered.
 * A form without a file resolves with none: the route says which field is missing.
 */
export function receiveMultipartForm(request: IncomingMessage, options: MultipartFormOptions): Promise<MultipartForm> {
  const fileField = options.fileField ?? 'file';
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      // busboy reports a file that reaches its limit: one byte more, so a file of exactly `maxFileBytes` is accepted
      // (as under multer, which did the same).
      limits: { files: 1, fileSize: options.maxFileBytes + 1, parts: MAX_FORM_PARTS },
    });
  } catch (error) {
    request.resume();
    return Promise.reject(malformedForm(error as Error));
  }
  return new Promise<MultipartForm>((resolve, reject) => {
    // No prototype: a field named __proto__ or constructor is just a field (the DTO refuses it).
    const fields = Object.create(null) as Record<string, string>;
    let file: FormFile | undefined;
    let failure: DomainError | null = null;
    let settled = false;
    const fail = (error: DomainError) => {
      failure ??= error;
    };
    const settle = () => {
      if (settled) return;
      settled = true;
      request.unpipe(parser);
      // Answer only once the client has sent everything (no reset while it is still sending).
      const answer = () => (failure ? reject(failure) : resolve({ fields, file }));
      if (request.complete || request.destroyed) answer();
      else {
        request.once('end', answer).once('close', answer);
        request.resume();
      }
    };

    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      // A form cut short fails the file stream too; the parser's own error is the one answered.
      stream.on('error', () => undefined);
      // A part with no file name carries no file (ignored, as multer did).
      if (!info.filename) return stream.resume();
      if (name !== fileField) {
        fail(new DomainError(400, 'BAD_REQUEST', `Unexpected file field - ${name}`));
        return stream.resume();
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!failure) chunks.push(chunk);
      });
      stream.on('limit', () => fail(new DomainError(413, 'PAYLOAD_TOO_LARGE', 'File too large')));
      stream.on('end', () => {
        if (!failure) file = { fieldName: name, originalname: info.filename, buffer: Buffer.concat(chunks) };
      });
    });
    parser.on('filesLimit', () => fail(new DomainError(400, 'BAD_REQUEST', 'Too many files')));
    parser.on('partsLimit', () => fail(new DomainError(400, 'BAD_REQUEST', 'Too many parts')));
    parser.on('close', settle);
    parser.on('error', (error: Error) => {
      fail(malformedForm(error));
      settle();
    });
    request.on('aborted', () => {
      fail(new DomainError(400, 'REQUEST_ABORTED', 'The client stopped sending the body before its end'));
      settle();
    });
    request.pipe(parser);
  });
}
