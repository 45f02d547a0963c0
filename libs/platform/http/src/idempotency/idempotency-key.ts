import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ValidationFailedError } from '../problem-details';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The header's key, or null when the caller sent none; a malformed key is a 400. */
export function validIdempotencyKey(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  if (Array.isArray(value)) value = value.join(', ');
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
  validIdempotencyKey(context.switchToHttp().getRequest<FastifyRequest>().headers[IDEMPOTENCY_KEY_HEADER]),
);
