import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { isStoredResponse } from './idempotency.store';
import type { RequestWithIdempotency } from './idempotent-request';

export const REPLAYED_HEADER = 'Idempotency-Replayed';

/**
 * Answers a handler's `StoredResponse` with its status and body (no `@Res` in controllers), and marks
 * every replayed answer with `Idempotency-Replayed: true`. Installed globally by `configureHttp`.
 */
@Injectable()
export class StoredResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    return next.handle().pipe(
      map((result: unknown) => {
        const response = http.getResponse<FastifyReply>();
        const replayed = http.getRequest<RequestWithIdempotency>().idempotency?.replayed ?? false;
        if (!isStoredResponse(result)) {
          if (replayed) response.header(REPLAYED_HEADER, 'true');
          return result;
        }
        response.code(result.status);
        if (result.replayed || replayed) response.header(REPLAYED_HEADER, 'true');
        return result.body;
      }),
    );
  }
}
