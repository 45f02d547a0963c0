import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export interface RequestContext {
  correlationId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const CORRELATION_HEADER = 'x-correlation-id';
const safeId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The correlation id of the request being served, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/**
 * Takes the caller's correlation id (x-correlation-id or x-request-id) when it is well formed,
 * otherwise makes one; echoes it in the response; logs and outbox events pick it up.
 */
export function correlationMiddleware(request: Request, response: Response, next: NextFunction): void {
  const offered = request.header(CORRELATION_HEADER) ?? request.header('x-request-id');
  const correlationId = offered && safeId.test(offered) ? offered : randomUUID();
  (request as Request & { id?: string }).id = correlationId;
  response.setHeader(CORRELATION_HEADER, correlationId);
  storage.run({ correlationId }, next);
}
