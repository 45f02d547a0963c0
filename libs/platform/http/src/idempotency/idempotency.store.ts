import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../problem-details';
import type { IdempotentRequest } from './idempotent-request';

const STORED = Symbol('atp:stored-response');

/** An answer a controller returns as is: `StoredResponseInterceptor` sets its status (and marks replays). */
export interface StoredResponse {
  status: number;
  body: unknown;
  /** True when the answer is the stored one of an earlier request with the same key. */
  replayed?: boolean;
}

export function storedResponse(status: number, body: unknown, replayed = false): StoredResponse {
  return Object.defineProperty({ status, body, replayed }, STORED, { value: true });
}

export function isStoredResponse(value: unknown): value is StoredResponse {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STORED] === true;
}

/**
 * Whose key it is. Keys are scoped per workspace and per caller (two users may pick the same key);
 * routes without a workspace keep theirs under the nil UUID.
 */
export interface IdempotencyScope {
  workspaceId: string;
  callerId: string;
  key: string | null;
}

export const PLATFORM_SCOPE = '00000000-0000-0000-0000-000000000000';

/** JSON with sorted keys, so the same body fingerprints the same whatever the field order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Idempotency keys of creating and deciding POSTs (contract: a replay returns the first answer, the
 * same key with another body is 422). The key is claimed inside the work's own transaction: a
 * concurrent request with the same key blocks on the row until the first commits and then replays
 * its answer (409 while it is still running elsewhere); a failed first attempt rolls the claim back,
 * so a retry runs again.
 */
@Injectable()
export class IdempotencyStore {
  fingerprint(operation: string, body: unknown): string {
    return createHash('sha256').update(`${operation}\n${canonicalJson(body)}`).digest('hex');
  }

  /** Null = first use (go ahead, then `complete`); otherwise the stored answer to replay. */
  async claim(manager: EntityManager, scope: IdempotencyScope & { key: string }, fingerprint: string): Promise<StoredResponse | null> {
    const params = [scope.workspaceId, scope.callerId, scope.key];
    const inserted = (await manager.query(
      `INSERT INTO idempotency_keys (workspace_id, caller_id, idempotency_key, request_fingerprint) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING idempotency_key`,
      [...params, fingerprint],
    )) as unknown[];
    if (inserted.length > 0) return null;
    const rows = (await manager.query(
      `SELECT request_fingerprint AS fingerprint, response_status AS status, response_body AS body FROM idempotency_keys
       WHERE workspace_id = $1 AND caller_id = $2 AND idempotency_key = $3`,
      params,
    )) as Array<{ fingerprint: string; status: number | null; body: unknown }>;
    const stored = rows[0];
    if (!stored) throw new DomainError(409, 'IDEMPOTENT_REQUEST_IN_FLIGHT', 'The first request with this key has not finished');
    if (stored.fingerprint !== fingerprint) {
      throw new DomainError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request', { key: scope.key });
    }
    if (stored.status === null) throw new DomainError(409, 'IDEMPOTENT_REQUEST_IN_FLIGHT', 'The first request with this key has not finished');
    return storedResponse(stored.status, stored.body, true);
  }

  async complete(manager: EntityManager, scope: IdempotencyScope & { key: string }, response: StoredResponse): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys SET response_status = $4, response_body = $5
       WHERE workspace_id = $1 AND caller_id = $2 AND idempotency_key = $3`,
      [scope.workspaceId, scope.callerId, scope.key, response.status, JSON.stringify(response.body ?? null)],
    );
  }

  /**
   * Runs `work` under the scope's optional key inside the caller's transaction: a replay answers the
   * stored response, a first use stores the answer with the change. `operation` names what is done to
   * what (e.g. `decide:<stageId>`) so a key reused for another request is refused.
   */
  async run(
    manager: EntityManager,
    scope: IdempotencyScope,
    operation: string,
    body: unknown,
    work: () => Promise<StoredResponse>,
  ): Promise<StoredResponse> {
    const { key } = scope;
    if (!key) {
      const response = await work();
      return storedResponse(response.status, response.body);
    }
    const replay = await this.claim(manager, { ...scope, key }, this.fingerprint(operation, body));
    if (replay) return replay;
    const response = await work();
    // Stored as the client receives it (JSON), so a replay is the same document.
    const answer = storedResponse(response.status, JSON.parse(JSON.stringify(response.body ?? null)) as unknown);
    await this.complete(manager, { ...scope, key }, answer);
    return storedResponse(response.status, response.body);
  }

  /**
   * `run` for a handler whose status is the route's own (`@Idempotency()` computed it): the work's
   * result is stored as the body; a replay returns the stored body and marks the request replayed.
   */
  async once<T>(manager: EntityManager, request: IdempotentRequest | null, work: () => Promise<T>): Promise<T> {
    if (!request) return work();
    const replay = await this.claim(manager, request, request.fingerprint);
    if (replay) {
      request.replayed = true;
      return replay.body as T;
    }
    const result = await work();
    await this.complete(manager, request, storedResponse(request.status, JSON.parse(JSON.stringify(result ?? null)) as unknown));
    return result;
  }
}
