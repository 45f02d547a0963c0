import type { EntityManager } from 'typeorm';
import { ConflictError, NotFoundError, UnknownReferenceError } from '@atp/platform-http';

/**
 * Locks the workspace row for the rest of the transaction: config writes of one workspace are serialised,
 * which keeps version numbers gap-free and the demote-then-promote of activation race-free.
 */
export async function lockWorkspace(
  manager: EntityManager,
  workspaceId: string,
  { mustBeActive = true } = {},
): Promise<void> {
  const rows = (await manager.query(`SELECT is_active FROM workspaces WHERE id = $1 FOR UPDATE`, [
    workspaceId,
  ])) as Array<{ is_active: boolean }>;
  if (rows.length === 0) throw new NotFoundError('workspace', workspaceId);
  if (mustBeActive && !rows[0].is_active)
    throw new ConflictError('WORKSPACE_INACTIVE', `workspace ${workspaceId} is deactivated`);
}

export async function assertWorkspaceExists(manager: EntityManager, workspaceId: string): Promise<void> {
  const rows = (await manager.query(`SELECT 1 FROM workspaces WHERE id = $1`, [workspaceId])) as unknown[];
  if (rows.length === 0) throw new NotFoundError('workspace', workspaceId);
}

export async function assertActorExists(manager: EntityManager, actorId: string): Promise<void> {
  const rows = (await manager.query(`SELECT 1 FROM users WHERE id = $1`, [actorId])) as unknown[];
  // A valid token of a subject the directory does not know (yet): it may not write config.
  if (rows.length === 0) throw new UnknownReferenceError('caller', actorId, 'user');
}
