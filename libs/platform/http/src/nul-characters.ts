import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, problemType } from './problem-details';

/**
 * Refuses a request whose path or query string carries a NUL character (`%00`): PostgreSQL text cannot
 * hold one, so it would otherwise reach a query as a parameter and fail there as a 500. Found by the
 * end-to-end security sweep (e2e/test/security-sweep.e2e-spec.ts).
 */
export function nulCharacterMiddleware(request: Request, response: Response, next: NextFunction): void {
  if (!/%00/.test(request.originalUrl) && !request.originalUrl.includes('\u0000')) {
    next();
    return;
  }
  const status = 400;
  response
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      JSON.stringify({
        type: problemType('INVALID_CHARACTER'),
        title: 'Bad Request',
        status,
        code: 'INVALID_CHARACTER',
        detail: 'The path or query string contains a NUL character (%00)',
        instance: request.path.split('\u0000').join(''),
      }),
    );
}
