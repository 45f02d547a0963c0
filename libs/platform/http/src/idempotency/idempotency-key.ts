import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../problem-details';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The `Idempotency-Key` of a creating or deciding POST, or null when the caller sent none. */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string | null => {
  const value = context.switchToHttp().getRequest<Request>().header(IDEMPOTENCY_KEY_HEADER);
  if (value === undefined) return null;
  if (!/^[A-Za-z0-9._:-]{1,200}$/.test(value)) {
    throw new DomainError(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-200 letters, digits or . _ : -');
  }
  return value;
});
