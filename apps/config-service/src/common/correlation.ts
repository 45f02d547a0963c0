import { randomUUID } from 'node:crypto';
import { currentCorrelationId } from '@atp/platform-http';

/** The request's correlation id, or a fresh one for work started outside a request (seed, bench). */
export function correlationId(): string {
  return currentCorrelationId() ?? randomUUID();
}
