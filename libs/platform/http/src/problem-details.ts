/** RFC 9457 problem details, the body of every error answer. */
export interface FieldError {
  field: string;
  message: string;
  value?: unknown;
  /** Instead of `value` when the value was too long to echo. */
  valueLength?: number;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * A refusal the domain knows how to explain. Services throw these (or subclasses); the filter
 * maps them once to problem+json.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super(404, 'NOT_FOUND', `${entity} ${id} was not found`, { entity, id });
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(409, code, message, extensions);
  }
}

/** An id that names nothing the caller may reference (architecture §5.2: {field, value, entity}). */
export class UnknownReferenceError extends DomainError {
  constructor(field: string, value: unknown, entity: string) {
    super(422, 'UNKNOWN_REFERENCE', `${field} does not name a known ${entity}`, { field, value, entity }, [
      { field, message: `unknown ${entity}`, value },
    ]);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[], message = 'The request is invalid') {
    super(400, 'VALIDATION_FAILED', message, {}, errors);
  }
}

export function problemType(code: string): string {
  return `https://atp.example/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}
