import type { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '@atp/platform-database';

/**
 * Memberships of one user across workspaces, under row-level security. `workspace_members` is a tenant table
 * (a query sees the rows of its workspace scope only), but two platform routes need one user's memberships in
 * every workspace: GET /workspaces (the caller's own list) and the visibility rule of GET /users/:userId (does the
 * caller share a workspace with that user?). Rather than a bypass of every tenant, a second, read-only policy
 * shows the rows of the one user named by the transaction-local `app.user_id`: a query that forgets its user
 * filter still sees nobody else's memberships, and nothing else of any workspace.
 */
// The policy `own_memberships` on workspace_members: migration 1765200000010-tenant-rls.

/** Runs `work` in a transaction that also sees every membership of `userId` (the setting ends with it). */
export function withOwnMemberships<T>(
  dataSource: DataSource,
  userId: string,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return inTransaction(dataSource, async (manager) => {
    await manager.query(`SELECT set_config('app.user_id', $1, true)`, [userId]);
    return work(manager);
  });
}
