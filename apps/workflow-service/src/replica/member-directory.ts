import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '@atp/platform-http';

export const WORKSPACE_ADMIN = 'WORKSPACE_ADMIN';

/** Who belongs to a workspace, from the member replica (config-service owns memberships). */
@Injectable()
export class MemberDirectory {
  async activeRoles(manager: EntityManager, workspaceId: string, userId: string): Promise<string[]> {
    const rows = (await manager.query(
      `SELECT role FROM member_replica WHERE workspace_id = $1 AND user_id = $2 AND is_active`,
      [workspaceId, userId],
    )) as Array<{ role: string }>;
    return rows.map((row) => row.role);
  }

  /** Callers must be active members of the workspace (domain §2.5): 403 otherwise. */
  async requireMember(manager: EntityManager, workspaceId: string, userId: string): Promise<string[]> {
    const roles = await this.activeRoles(manager, workspaceId, userId);
    if (roles.length === 0)
      throw new DomainError(403, 'NOT_A_MEMBER', `user ${userId} is not an active member of workspace ${workspaceId}`);
    return roles;
  }

  async requireWorkspaceAdmin(manager: EntityManager, workspaceId: string, userId: string): Promise<void> {
    const roles = await this.requireMember(manager, workspaceId, userId);
    if (!roles.includes(WORKSPACE_ADMIN)) {
      throw new DomainError(
        403,
        'WORKSPACE_ADMIN_REQUIRED',
        `user ${userId} is not a workspace admin of ${workspaceId}`,
      );
    }
  }

  /** Every active member, for resolving approvers at start (backup when the primary is not active, Q6). */
  async activeMemberIds(manager: EntityManager, workspaceId: string): Promise<Set<string>> {
    const rows = (await manager.query(
      `SELECT DISTINCT user_id AS "userId" FROM member_replica WHERE workspace_id = $1 AND is_active`,
      [workspaceId],
    )) as Array<{ userId: string }>;
    return new Set(rows.map((row) => row.userId));
  }
}
