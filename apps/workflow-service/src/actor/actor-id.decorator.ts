import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '@atp/platform-http';

/**
 * The calling user. Until the gateway authenticates (architecture §7: it verifies the JWT and forwards
 * the subject), callers name themselves in `X-User-Id`; every service check still runs here against the
 * member replica, so the header only says *who*, never *what they may do*.
 */
export const USER_ID_HEADER = 'x-user-id';
const safeUserId = /^[A-Za-z0-9._:@|-]{1,100}$/;

export const ActorId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<Request>().header(USER_ID_HEADER);
  if (!value) throw new DomainError(401, 'UNAUTHENTICATED', 'X-User-Id header is required');
  if (!safeUserId.test(value)) throw new DomainError(401, 'UNAUTHENTICATED', 'X-User-Id is not a user id');
  return value;
});

export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string | null => {
  const value = context.switchToHttp().getRequest<Request>().header('idempotency-key');
  if (value === undefined) return null;
  if (!/^[A-Za-z0-9._:-]{1,200}$/.test(value)) throw new DomainError(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-200 safe characters');
  return value;
});
