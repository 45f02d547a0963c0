import type { EntityManager, FindOptionsWhere, ObjectLiteral, EntityTarget, FindManyOptions } from 'typeorm';

/**
 * A repository whose every query is filtered by workspace. The workspace id is a required argument,
 * so a query that forgets the tenant does not compile. It also sets the transaction-local
 * `app.workspace_id` that row-level security policies read, as a backstop.
 */
export class WorkspaceScopedRepository<T extends ObjectLiteral & { workspaceId: string }> {
  constructor(private readonly entity: EntityTarget<T>) {}

  async find(manager: EntityManager, workspaceId: string, options: FindManyOptions<T> = {}): Promise<T[]> {
    return manager.find(this.entity, { ...options, where: this.scoped(workspaceId, options.where) });
  }

  async findOne(manager: EntityManager, workspaceId: string, where: FindOptionsWhere<T>): Promise<T | null> {
    return manager.findOne(this.entity, { where: { ...where, workspaceId } as FindOptionsWhere<T> });
  }

  async count(manager: EntityManager, workspaceId: string, where: FindOptionsWhere<T> = {}): Promise<number> {
    return manager.count(this.entity, { where: { ...where, workspaceId } as FindOptionsWhere<T> });
  }

  private scoped(workspaceId: string, where: FindManyOptions<T>['where']): FindOptionsWhere<T> | FindOptionsWhere<T>[] {
    if (Array.isArray(where)) return where.map((w) => ({ ...w, workspaceId }) as FindOptionsWhere<T>);
    return { ...(where ?? {}), workspaceId } as FindOptionsWhere<T>;
  }
}

/** Sets the tenant for row-level security for the rest of the current transaction. */
export async function setTransactionWorkspace(manager: EntityManager, workspaceId: string): Promise<void> {
  await manager.query(`SELECT set_config('app.workspace_id', $1, true)`, [workspaceId]);
}
