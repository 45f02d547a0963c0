import type { DataSource, EntityManager } from 'typeorm';

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * Runs `work` in one transaction: the domain rows and the outbox events written with the given
 * manager commit or roll back together. Code that is already inside a transaction takes the
 * manager as a parameter instead of opening another. Without `isolation` the transaction runs at
 * the database default (READ COMMITTED) and costs no `SET TRANSACTION` round trip.
 */
export function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  isolation?: IsolationLevel,
): Promise<T> {
  return isolation ? dataSource.transaction(isolation, work) : dataSource.transaction(work);
}
