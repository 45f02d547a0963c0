import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/** The Idempotency-Key of the request being served, set by `IdempotencyInterceptor`. */
export interface IdempotencyContext {
  workspaceId: string;
  key: string;
  requestHash: string;
  statusCode: number;
  /** Set once the answer is stored; the interceptor stores it itself when no transaction did. */
  recorded: boolean;
}

const storage = new AsyncLocalStorage<IdempotencyContext>();

export function runWithIdempotency<T>(context: IdempotencyContext, work: () => Promise<T>): Promise<T> {
  return storage.run(context, work);
}

export function currentIdempotency(): IdempotencyContext | undefined {
  return storage.getStore();
}

/** The response body as the client receives it (JSON), so a replay is byte-for-byte the same document. */
export function asStoredBody(result: unknown): unknown {
  return result === undefined ? null : JSON.parse(JSON.stringify(result));
}

/**
 * Stores the answer under the request's key with `manager` — inside the work's transaction, so the work and its
 * stored answer commit together. A concurrent request with the same key conflicts on the primary key here and
 * rolls its own work back; the interceptor then answers it with the winner's stored answer.
 */
export async function recordIdempotentResult(manager: EntityManager, result: unknown): Promise<void> {
  const context = currentIdempotency();
  if (!context || context.recorded) return;
  await manager.query(
    `INSERT INTO idempotency_keys (workspace_id, key, request_hash, status_code, response_body) VALUES ($1, $2, $3, $4, $5::jsonb)`,
    [context.workspaceId, context.key, context.requestHash, context.statusCode, JSON.stringify(asStoredBody(result))],
  );
  context.recorded = true;
}
