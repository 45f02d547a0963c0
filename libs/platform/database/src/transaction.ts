import {
  EventSubscriber,
  type DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';

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

const AFTER_COMMIT = Symbol('afterCommit');
type RunnerData = { [AFTER_COMMIT]?: Array<() => void> };

/**
 * Runs `callback` once the transaction `manager` belongs to has committed, and never if it rolls back; outside a
 * transaction, at once. For invalidating what this process caches of the rows the transaction changed: before
 * the commit a reader would see the old rows again and cache them anew. Callbacks registered inside a savepoint
 * that rolled back still run at the commit, so they must be harmless to run spuriously (an invalidation is).
 */
export function afterCommit(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    callback();
    return;
  }
  ((runner.data as RunnerData)[AFTER_COMMIT] ??= []).push(callback);
}

/** Runs `afterCommit`'s callbacks: every service DataSource lists it (createServiceDataSource). */
@EventSubscriber()
export class AfterCommitSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint also broadcasts a commit: only the outermost one counts.
    if (!event.queryRunner.isTransactionActive) takeCallbacks(event.queryRunner.data).forEach((run) => run());
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) takeCallbacks(event.queryRunner.data);
  }
}

function takeCallbacks(data: RunnerData): Array<() => void> {
  const callbacks = data[AFTER_COMMIT] ?? [];
  delete data[AFTER_COMMIT];
  return callbacks;
}
