import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { StatementBuilder } from '@atp/platform-database';
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

/** The CTE `claimIn` adds: one row when this request claimed the key. */
export const IDEMPOTENCY_CLAIM = 'idempotency_claim';

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
    return createHash('sha256')
      .update(`${operation}\n${canonicalJson(body)}`)
      .digest('hex');
  }

  /** Null = first use (go ahead, then `complete`); otherwise the stored answer to replay. */
  async claim(
    manager: EntityManager,
    scope: IdempotencyScope & { key: string },
    fingerprint: string,
  ): Promise<StoredResponse | null> {
    const statement = new StatementBuilder();
    this.claimIn(statement, scope, fingerprint);
    const [{ claimed }] = await statement.run<{ claimed: boolean }>(
      manager,
      `SELECT EXISTS (SELECT 1 FROM ${IDEMPOTENCY_CLAIM}) AS claimed`,
    );
    return claimed ? null : this.replay(manager, scope, fingerprint);
  }

  /**
   * The claim as a part of the caller's first statement (the CTE `idempotency_claim`, one row when this request
   * claimed the key), so the claim costs no round trip of its own. Parts that must run only for a first use
   * (locks, reads) say `EXISTS (SELECT 1 FROM idempotency_claim)`: that also takes the key before anything else.
   * When the claim found the key taken, `replay` answers.
   */
  claimIn(statement: StatementBuilder, scope: IdempotencyScope & { key: string }, fingerprint: string): void {
    statement.with(
      IDEMPOTENCY_CLAIM,
      `INSERT INTO idempotency_keys (workspace_id, caller_id, idempotency_key, request_fingerprint)
       VALUES (${statement.param(scope.workspaceId)}, ${statement.param(scope.callerId)}, ${statement.param(scope.key)}, ${statement.param(fingerprint)})
       ON CONFLICT DO NOTHING RETURNING true AS claimed`,
    );
  }

  /**
   * The key was taken: the stored answer, 422 for another request under the same key, 409 while the first one runs.
   * Its own statement, so it sees the first request's commit it may have waited for.
   */
  async replay(
    manager: EntityManager,
    scope: IdempotencyScope & { key: string },
    fingerprint: string,
  ): Promise<StoredResponse> {
    const rows = (await manager.query(
      `SELECT request_fingerprint AS fingerprint, response_status AS status, response_body AS body FROM idempotency_keys
       WHERE workspace_id = $1 AND caller_id = $2 AND idempotency_key = $3`,
      [scope.workspaceId, scope.callerId, scope.key],
    )) as Array<{ fingerprint: string; status: number | null; body: unknown }>;
    const stored = rows[0];
    if (!stored)
      throw new DomainError(409, 'IDEMPOTENT_REQUEST_IN_FLIGHT', 'The first request with this key has not finished');
    if (stored.fingerprint !== fingerprint) {
      throw new DomainError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request', {
        key: scope.key,
      });
    }
    if (stored.status === null)
      throw new DomainError(409, 'IDEMPOTENT_REQUEST_IN_FLIGHT', 'The first request with this key has not finished');
    return storedResponse(stored.status, stored.body, true);
  }

  async complete(
    manager: EntityManager,
    scope: IdempotencyScope & { key: string },
    response: StoredResponse,
  ): Promise<void> {
    const statement = new StatementBuilder();
    this.completeIn(statement, scope, response);
    await statement.run(manager, 'SELECT 1');
  }

  /** `complete` as a part (CTE `idempotency_answer`) of the caller's last statement; the answer is stored as JSON. */
  completeIn(statement: StatementBuilder, scope: IdempotencyScope & { key: string }, response: StoredResponse): void {
    statement.with(
      'idempotency_answer',
      `UPDATE idempotency_keys SET response_status = ${statement.param(response.status, '::int')}, response_body = ${statement.param(JSON.stringify(response.body ?? null), '::jsonb')}
       WHERE workspace_id = ${statement.param(scope.workspaceId)} AND caller_id = ${statement.param(scope.callerId)}
         AND idempotency_key = ${statement.param(scope.key)}
       RETURNING 1`,
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
    await this.complete(
      manager,
      request,
      storedResponse(request.status, JSON.parse(JSON.stringify(result ?? null)) as unknown),
    );
    return result;
  }
}
