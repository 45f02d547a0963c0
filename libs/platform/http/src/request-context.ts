import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

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
 * Takes the caller's correlation id (x-correlation-id or x-request-id) when it is well formed, otherwise makes one;
 * sets it on the request (`id`) and echoes it in the response.
 */
export function assignCorrelationId(request: IncomingMessage, response: ServerResponse): string {
  const offered = request.headers[CORRELATION_HEADER] ?? request.headers['x-request-id'];
  const correlationId = typeof offered === 'string' && safeId.test(offered) ? offered : randomUUID();
  (request as IncomingMessage & { id?: string }).id = correlationId;
  response.setHeader(CORRELATION_HEADER, correlationId);
  return correlationId;
}

/** `assignCorrelationId`, and the rest of the request runs in its context: logs and outbox events pick it up. */
export function correlationMiddleware(request: IncomingMessage, response: ServerResponse, next: () => void): void {
  storage.run({ correlationId: assignCorrelationId(request, response) }, next);
}
