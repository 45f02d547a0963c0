import type { DataSource, EntityManager } from 'typeorm';
import { inTransaction as platformTransaction } from '@atp/platform-database';
import { recordIdempotentResult } from './idempotency.context';

/**
 * `inTransaction` of `@atp/platform-database`, plus: when the request carries an Idempotency-Key, its answer is
 * stored in the same transaction as the work (see `recordIdempotentResult`). Used by the services behind the
 * idempotent POSTs.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return platformTransaction(dataSource, async (manager) => {
    const result = await work(manager);
    await recordIdempotentResult(manager, result);
    return result;
  });
}
