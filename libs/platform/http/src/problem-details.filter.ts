import { STATUS_CODES, type ServerResponse } from 'node:http';
import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, isTransientConflict, PgErrorCode, pgErrorCode } from '@atp/platform-database';
import { bodyRefusal } from './edge/body-errors';
import {
  DomainError,
  PROBLEM_CONTENT_TYPE,
  problemType,
  type FieldError,
  type ProblemDetails,
} from './problem-details';

/** The standard reason phrase ("Bad Request"), the problem's human-readable title. */
function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function problemOf(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): ProblemDetails {
  return { type: problemType(code), title: titleOf(status), status, detail, code, ...extensions };
}

function fromHttpException(error: HttpException): ProblemDetails {
  const status = error.getStatus();
  const body = error.getResponse() as string | { message?: unknown; errors?: FieldError[]; code?: string };
  const detail =
    typeof body === 'string'
      ? body
      : Array.isArray(body.message)
        ? body.message.join('; ')
        : String(body.message ?? error.message);
  const code = (typeof body === 'object' && body.code) || HttpStatus[status] || 'HTTP_ERROR';
  const problem = problemOf(status, code, detail);
  if (typeof body === 'object' && body.errors) problem.errors = body.errors;
  return problem;
}

/** Seconds a client should wait before retrying a request the database could not serve just now. */
const RETRY_AFTER_SECONDS = { conflict: 1, busy: 2, unavailable: 5 } as const;

/**
 * Database errors a client can act on. The database's own words (pg `detail`, constraint and column
 * names) stay in the log: they describe the schema, not the request.
 */
function fromDatabaseError(error: unknown): { problem: ProblemDetails; retryAfter?: number } | null {
  const code = pgErrorCode(error);
  switch (code) {
    case PgErrorCode.uniqueViolation:
    case PgErrorCode.exclusionViolation:
      return { problem: problemOf(409, 'CONFLICT', 'The request conflicts with data that already exists') };
    case PgErrorCode.foreignKeyViolation:
      return { problem: problemOf(422, 'REFERENCE_VIOLATION', 'The request refers to something that does not exist') };
    case PgErrorCode.checkViolation:
    case PgErrorCode.notNullViolation:
      return { problem: problemOf(422, 'CONSTRAINT_VIOLATION', 'The request breaks a rule of the stored data') };
    case PgErrorCode.raiseException:
      // Raised by our own triggers with a message written for the client (e.g. "an ACTIVE version is immutable").
      return { problem: problemOf(409, 'RULE_VIOLATION', (error as Error).message) };
  }
  if (isTransientConflict(error)) {
    return code === PgErrorCode.lockNotAvailable
      ? {
          problem: problemOf(503, 'BUSY', 'The data is locked by other work; retry shortly'),
          retryAfter: RETRY_AFTER_SECONDS.busy,
        }
      : {
          problem: problemOf(409, 'CONCURRENT_UPDATE', 'Another request changed the same data at the same time; retry'),
          retryAfter: RETRY_AFTER_SECONDS.conflict,
        };
  }
  if (
    isDatabaseUnavailable(error) ||
    /timeout exceeded when trying to connect/i.test((error as Error)?.message ?? '')
  ) {
    return {
      problem: problemOf(503, 'SERVICE_UNAVAILABLE', 'The service cannot reach its database; retry later'),
      retryAfter: RETRY_AFTER_SECONDS.unavailable,
    };
  }
  return null;
}

/** Field errors name the field and may echo a short value; a long or structured one is not sent back. */
const ECHO_MAX_CHARS = 100;
function withoutLargeValues(errors: FieldError[]): FieldError[] {
  return errors.map(({ value, ...error }) => {
    if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean')
      return { ...error, value };
    if (typeof value === 'string')
      return value.length <= ECHO_MAX_CHARS ? { ...error, value } : { ...error, valueLength: value.length };
    return error;
  });
}

const logger = new Logger('ProblemDetailsFilter');

/** A problem answer: the document and, for a refusal that knows when to come back, its Retry-After. */
export interface ProblemAnswer {
  problem: ProblemDetails;
  retryAfter?: number;
}

/**
 * The one mapping of an error to its problem answer (domain refusals, Nest's HTTP errors, body refusals, database
 * errors a client can act on; anything else is a logged 500), for the request at `instance`.
 */
export function problemAnswerFor(error: unknown, instance: string): ProblemAnswer {
  let problem: ProblemDetails;
  let retryAfter: number | undefined;
  const refusal = error instanceof DomainError ? error : error instanceof HttpException ? null : bodyRefusal(error);
  if (refusal) {
    problem = problemOf(refusal.status, refusal.code, refusal.message, refusal.extensions);
    if (refusal.fieldErrors.length > 0) problem.errors = refusal.fieldErrors;
  } else if (error instanceof HttpException) {
    problem = fromHttpException(error);
  } else {
    const mapped = fromDatabaseError(error);
    retryAfter = mapped?.retryAfter;
    problem = mapped?.problem ?? problemOf(500, 'INTERNAL', 'An unexpected error occurred');
    if (problem.status >= 500 && retryAfter === undefined)
      logger.error(error instanceof Error ? error.stack : String(error));
    else logger.warn(`${problem.code}: ${describeDatabaseError(error)}`);
  }
  if (problem.errors) problem.errors = withoutLargeValues(problem.errors);
  problem.instance = instance;
  // A refusal that knows when to come back (429, a busy database) says so in the header too.
  retryAfter ??= typeof problem.retryAfterSeconds === 'number' ? problem.retryAfterSeconds : undefined;
  return { problem, retryAfter };
}

/**
 * Writes a problem answer on a Fastify reply (its hooks and the headers set on the raw response still apply) or on
 * a plain Node response (the gateway's API edge); the connection is cut if an answer already started.
 */
export function sendProblem(response: ServerResponse | FastifyReply, { problem, retryAfter }: ProblemAnswer): void {
  const body = JSON.stringify(problem);
  const contentType = `${PROBLEM_CONTENT_TYPE}; charset=utf-8`;
  if ('raw' in response) {
    if (response.sent || response.raw.headersSent) {
      response.raw.destroy();
      return;
    }
    response.code(problem.status);
    if (retryAfter !== undefined) response.header('Retry-After', String(retryAfter));
    response.header('Content-Type', contentType).header('Content-Length', Buffer.byteLength(body));
    void response.send(body);
    return;
  }
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.statusCode = problem.status;
  if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(body);
}

/** The problem document of a refusal decided outside any handler (at the edge, before routing). */
export function problemFor(
  status: number,
  code: string,
  detail: string,
  instance: string,
  extensions: Record<string, unknown> = {},
): ProblemDetails {
  return { ...problemOf(status, code, detail, extensions), instance };
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    sendProblem(http.getResponse<FastifyReply>(), problemAnswerFor(error, request.originalUrl ?? request.url));
  }
}

function describeDatabaseError(error: unknown): string {
  const driver =
    (error as { driverError?: { detail?: string; constraint?: string } }).driverError ??
    (error as { detail?: string; constraint?: string });
  return [(error as Error)?.message, driver?.detail, driver?.constraint && `constraint ${driver.constraint}`]
    .filter(Boolean)
    .join('; ');
}
