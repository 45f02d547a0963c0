import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PgErrorCode, pgErrorCode } from '@atp/platform-database';
import { DomainError, PROBLEM_CONTENT_TYPE, problemType, type FieldError, type ProblemDetails } from './problem-details';

/** The standard reason phrase ("Bad Request"), the problem's human-readable title. */
function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function fromHttpException(error: HttpException): ProblemDetails {
  const status = error.getStatus();
  const body = error.getResponse() as string | { message?: unknown; errors?: FieldError[]; code?: string };
  const detail = typeof body === 'string' ? body : Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? error.message);
  const code = (typeof body === 'object' && body.code) || HttpStatus[status] || 'HTTP_ERROR';
  const problem: ProblemDetails = { type: problemType(code), title: titleOf(status), status, detail, code };
  if (typeof body === 'object' && body.errors) problem.errors = body.errors;
  return problem;
}

/** Constraint violations that escaped a service check still answer 4xx, never 500. */
function fromDatabaseError(error: unknown): ProblemDetails | null {
  const code = pgErrorCode(error);
  const detail = (error as { driverError?: { detail?: string }; detail?: string }).driverError?.detail ?? (error as { detail?: string }).detail;
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  switch (code) {
    case PgErrorCode.uniqueViolation:
      return { type: problemType('CONFLICT'), title: 'Conflict', status: 409, code: 'CONFLICT', detail: detail ?? 'duplicate', constraint };
    case PgErrorCode.foreignKeyViolation:
      return { type: problemType('REFERENCE_VIOLATION'), title: 'Unprocessable Content', status: 422, code: 'REFERENCE_VIOLATION', detail: detail ?? 'reference violation', constraint };
    case PgErrorCode.checkViolation:
    case PgErrorCode.notNullViolation:
      return { type: problemType('CONSTRAINT_VIOLATION'), title: 'Unprocessable Content', status: 422, code: 'CONSTRAINT_VIOLATION', detail: detail ?? 'constraint violation', constraint };
    case PgErrorCode.raiseException:
      return { type: problemType('RULE_VIOLATION'), title: 'Conflict', status: 409, code: 'RULE_VIOLATION', detail: (error as Error).message };
    default:
      return null;
  }
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetailsFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    let problem: ProblemDetails;
    if (error instanceof DomainError) {
      problem = { type: problemType(error.code), title: titleOf(error.status), status: error.status, detail: error.message, code: error.code, ...error.extensions };
      if (error.fieldErrors.length > 0) problem.errors = error.fieldErrors;
    } else if (error instanceof HttpException) {
      problem = fromHttpException(error);
    } else {
      problem = fromDatabaseError(error) ?? {
        type: problemType('INTERNAL'), title: 'Internal Server Error', status: 500, code: 'INTERNAL', detail: 'An unexpected error occurred',
      };
      if (problem.status >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    }
    problem.instance = request.originalUrl;
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}
