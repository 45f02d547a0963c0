import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { problemFor, sendProblem } from './problem-details.filter';

/** Whether a request target carries a NUL character, raw or as `%00`. */
export function hasNulCharacter(url: string): boolean {
  return url.includes('%00') || url.includes('\u0000');
}

/** The 400 answer to a request target with a NUL character. */
export function refuseNulCharacter(request: IncomingMessage, response: ServerResponse | FastifyReply): void {
  const path = (request.url ?? '').split('?')[0].split('\u0000').join('');
  sendProblem(response, {
    problem: problemFor(400, 'INVALID_CHARACTER', 'The path or query string contains a NUL character (%00)', path),
  });
}

/**
 * Refuses a request whose path or query string carries a NUL character (`%00`): PostgreSQL text cannot
 * hold one, so it would otherwise reach a query as a parameter and fail there as a 500. Found by the
 * end-to-end security sweep (e2e/test/security-sweep.e2e-spec.ts).
 */
export function nulCharacterMiddleware(
  request: IncomingMessage,
  response: ServerResponse | FastifyReply,
  next: () => void,
): void {
  if (hasNulCharacter(request.url ?? '')) refuseNulCharacter(request, response);
  else next();
}
