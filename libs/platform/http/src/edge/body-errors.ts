import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../problem-details';

/** What body-parser / raw-body / http-errors attach to the errors they pass to `next`. */
export interface HttpErrorLike {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  limit?: number;
  charset?: string;
  encoding?: string;
  message?: string;
}

/** http-errors' `type` of each refusal a request body can get, and the stable code a client sees. */
const BODY_REFUSALS: Readonly<Record<string, { status: number; code: string; detail: (e: HttpErrorLike) => string }>> =
  {
    'entity.too.large': {
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      detail: (e) => `The body is larger than the ${e.limit} bytes this route accepts`,
    },
    'entity.parse.failed': {
      status: 400,
      code: 'MALFORMED_JSON',
      detail: () => 'The body is not valid JSON (a JSON object or array is expected)',
    },
    'entity.too.deep': {
      status: 400,
      code: 'JSON_TOO_DEEP',
      detail: (e) => e.message ?? 'The JSON body nests too deep',
    },
    'entity.invalid.character': {
      status: 400,
      code: 'INVALID_CHARACTER',
      detail: (e) => e.message ?? 'The body contains a NUL character',
    },
    'charset.unsupported': {
      status: 415,
      code: 'UNSUPPORTED_CHARSET',
      detail: (e) => `Charset "${e.charset}" is not accepted; send UTF-8`,
    },
    'encoding.unsupported': {
      status: 415,
      code: 'UNSUPPORTED_CONTENT_ENCODING',
      detail: (e) => `Content-Encoding "${e.encoding}" is not accepted`,
    },
    'request.aborted': {
      status: 400,
      code: 'REQUEST_ABORTED',
      detail: () => 'The client stopped sending the body before its end',
    },
    'request.size.invalid': {
      status: 400,
      code: 'CONTENT_LENGTH_MISMATCH',
      detail: () => 'The body is not as long as its Content-Length says',
    },
  };

export function isHttpErrorLike(error: unknown): error is Error & HttpErrorLike {
  if (!(error instanceof Error)) return false;
  const status = (error as HttpErrorLike).status ?? (error as HttpErrorLike).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600;
}

/**
 * The problem a refused request body answers: a known body-parser refusal gets its stable code; another
 * http-error a client caused keeps its status; anything else is not a client's mistake (null).
 */
export function bodyRefusal(error: unknown): DomainError | null {
  if (!isHttpErrorLike(error)) return null;
  const known = error.type ? BODY_REFUSALS[error.type] : undefined;
  if (known) {
    const extensions = known.status === 413 && error.limit !== undefined ? { limitBytes: error.limit } : {};
    return new DomainError(known.status, known.code, known.detail(error), extensions);
  }
  const status = (error.status ?? error.statusCode) as number;
  if (status >= 500 || error.expose === false) return null;
  return new DomainError(status, HttpStatus[status] ?? 'BAD_REQUEST', error.message);
}
