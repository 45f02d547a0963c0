import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, ValidationFailedError } from './problem-details';

/**
 * Who is calling. Until the gateway verifies JWTs (architecture §7: it will forward the token's
 * subject here), callers name themselves in `X-User-Id`. The header only says *who*: every service
 * still checks what that user may do against its own data.
 */
export const USER_ID_HEADER = 'x-user-id';
const safeUserId = /^[A-Za-z0-9._:@|-]{1,100}$/;

export function callerIdOf(request: Request): string {
  const value = request.header(USER_ID_HEADER);
  if (!value) throw new DomainError(401, 'UNAUTHENTICATED', 'The X-User-Id header is required', { header: USER_ID_HEADER });
  if (!safeUserId.test(value)) throw new DomainError(401, 'UNAUTHENTICATED', 'X-User-Id is not a user id', { header: USER_ID_HEADER });
  return value;
}

export const CallerId = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  callerIdOf(context.switchToHttp().getRequest<Request>()),
);

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The header's key, or null when the caller sent none; a malformed key is a 400. */
export function validIdempotencyKey(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!/^[A-Za-z0-9._:-]{1,200}$/.test(value)) {
    throw new ValidationFailedError(
      [{ field: 'Idempotency-Key', message: 'must be 1-200 letters, digits or . _ : -', value }],
      'The Idempotency-Key header is malformed',
    );
  }
  return value;
}

/** The `Idempotency-Key` of a creating or deciding POST, or null when the caller sent none. */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string | null =>
  validIdempotencyKey(context.switchToHttp().getRequest<Request>().header(IDEMPOTENCY_KEY_HEADER)),
);
