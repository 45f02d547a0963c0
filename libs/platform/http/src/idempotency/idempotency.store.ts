import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../problem-details';

export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * Idempotency keys of deciding POSTs. The key is claimed inside the decision's transaction: a
 * concurrent request with the same key blocks on the row until the first commits and then replays
 * its answer; a failed first attempt rolls the claim back, so a retry runs again.
 */
@Injectable()
export class IdempotencyStore {
  fingerprint(route: string, body: unknown): string {
    return createHash('sha256').update(`${route}\n${JSON.stringify(body)}`).digest('hex');
  }

  /** Null = first use (go ahead and call `complete`); otherwise the stored answer to replay. */
  async claim(manager: EntityManager, workspaceId: string, key: string, fingerprint: string): Promise<StoredResponse | null> {
    const inserted = (await manager.query(
      `INSERT INTO idempotency_keys (workspace_id, idempotency_key, request_fingerprint) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING idempotency_key`,
      [workspaceId, key, fingerprint],
    )) as unknown[];
    if (inserted.length > 0) return null;
    const rows = (await manager.query(
      `SELECT request_fingerprint AS fingerprint, response_status AS status, response_body AS body FROM idempotency_keys
       WHERE workspace_id = $1 AND idempotency_key = $2`,
      [workspaceId, key],
    )) as Array<{ fingerprint: string; status: number | null; body: unknown }>;
    const stored = rows[0];
    if (stored.fingerprint !== fingerprint) {
      throw new DomainError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request');
    }
    if (stored.status === null) throw new DomainError(409, 'IDEMPOTENT_REQUEST_IN_FLIGHT', 'The first request with this key has not finished');
    return { status: stored.status, body: stored.body };
  }

  /**
   * Runs `work` under an optional Idempotency-Key inside the caller's transaction: a replay answers the
   * stored response, a first use stores the answer with the change. `route` names the operation and
   * the caller so a key reused for another request is refused.
   */
  async run(
    manager: EntityManager,
    workspaceId: string,
    key: string | null,
    route: string,
    body: unknown,
    work: () => Promise<StoredResponse>,
  ): Promise<StoredResponse> {
    if (!key) return work();
    const fingerprint = this.fingerprint(route, body);
    const replay = await this.claim(manager, workspaceId, key, fingerprint);
    if (replay) return replay;
    const response = await work();
    await this.complete(manager, workspaceId, key, response);
    return response;
  }

  async complete(manager: EntityManager, workspaceId: string, key: string, response: StoredResponse): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE workspace_id = $1 AND idempotency_key = $2`,
      [workspaceId, key, response.status, JSON.stringify(response.body)],
    );
  }
}
