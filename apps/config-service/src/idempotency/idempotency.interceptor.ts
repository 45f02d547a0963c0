import { createHash } from 'node:crypto';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { pgErrorCode, PgErrorCode } from '@atp/platform-database';
import { DomainError, ValidationFailedError } from '@atp/platform-http';
import type { RequestWithCaller } from '@atp/platform-auth';
import { asStoredBody, runWithIdempotency, type IdempotencyContext } from './idempotency.context';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotency-Replayed';
/** Routes without a workspace (users, workspaces) keep their keys under the nil UUID. */
export const PLATFORM_SCOPE = '00000000-0000-0000-0000-000000000000';
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export class IdempotencyKeyReusedError extends DomainError {
  constructor(key: string) {
    super(422, 'IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${key} was used for a different request`, { key });
  }
}

interface StoredAnswer {
  request_hash: string;
  status_code: number;
  response_body: unknown;
}

/** JSON with sorted keys, so the same body hashes the same whatever the field order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Idempotency-Key on a POST (platform guide: every POST that creates or decides accepts it). Without the header
 * the request runs as usual. With it:
 *  - a stored answer for (workspace, key) and the same request (method, path, actor, body, uploaded file) is
 *    replayed with its status code, without running anything (`Idempotency-Replayed: true`);
 *  - the same key with a different request is 422 IDEMPOTENCY_KEY_REUSED;
 *  - otherwise the handler runs and its answer is stored in the same transaction as its work; a failed request
 *    stores nothing, so it can be retried with the same key.
 * Two concurrent requests with one key both run; the second conflicts on the key when it commits, its work rolls
 * back, and it gets the first one's answer. On multipart routes list it after the FileInterceptor.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { file?: { originalname: string; buffer: Buffer } }>();
    const key = request.header(IDEMPOTENCY_HEADER);
    if (key === undefined) return next.handle();
    return from(this.handle(context, request, key, next));
  }

  private async handle(context: ExecutionContext, request: Request & { file?: { originalname: string; buffer: Buffer } }, key: string, next: CallHandler): Promise<unknown> {
    if (!KEY_PATTERN.test(key)) {
      throw new ValidationFailedError([{ field: 'Idempotency-Key', message: 'must be 1–200 visible ASCII characters', value: key }]);
    }
    const response = context.switchToHttp().getResponse<Response>();
    const workspaceId = typeof request.params.workspaceId === 'string' ? request.params.workspaceId : PLATFORM_SCOPE;
    const requestHash = createHash('sha256').update(canonical({
      method: request.method,
      path: request.path,
      actor: (request as RequestWithCaller).caller?.userId ?? null,
      body: request.body ?? null,
      file: request.file ? { name: request.file.originalname, sha256: createHash('sha256').update(request.file.buffer).digest('hex') } : null,
    })).digest('hex');

    const replay = async (): Promise<{ body: unknown } | null> => {
      const stored = await this.find(workspaceId, key);
      if (!stored) return null;
      if (stored.request_hash !== requestHash) throw new IdempotencyKeyReusedError(key);
      response.setHeader(REPLAYED_HEADER, 'true');
      return { body: stored.response_body };
    };

    const earlier = await replay();
    if (earlier) return earlier.body;

    const state: IdempotencyContext = {
      workspaceId, key, requestHash, recorded: false,
      statusCode: (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? (request.method === 'POST' ? 201 : 200),
    };
    let result: unknown;
    try {
      result = await runWithIdempotency(state, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
    } catch (error) {
      // Lost a race for the key (its work rolled back), or refused because the winner's work is already done
      // (e.g. DUPLICATE_FILE, ILLEGAL_TRANSITION): the winner's stored answer is the answer.
      if (pgErrorCode(error) === PgErrorCode.uniqueViolation || error instanceof DomainError) {
        const winner = await replay();
        if (winner) return winner.body;
      }
      throw error;
    }
    if (!state.recorded) {
      // The handler's work did not go through the idempotent transaction: store the answer after it.
      await this.dataSource.query(
        `INSERT INTO idempotency_keys (workspace_id, key, request_hash, status_code, response_body) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (workspace_id, key) DO NOTHING`,
        [workspaceId, key, requestHash, state.statusCode, JSON.stringify(asStoredBody(result))],
      );
    }
    return result;
  }

  private async find(workspaceId: string, key: string): Promise<StoredAnswer | null> {
    const rows = (await this.dataSource.query(
      `SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE workspace_id = $1 AND key = $2`,
      [workspaceId, key],
    )) as StoredAnswer[];
    return rows[0] ?? null;
  }
}
