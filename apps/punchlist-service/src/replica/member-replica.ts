import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CachedMembershipSource, WORKSPACE_ROLES, type WorkspaceRole } from '@atp/platform-auth';

/**
 * Who belongs to a workspace, from this service's replica of config-service's memberships; the guard's answers are
 * cached for a second (the reference consumer forgets them when it commits a membership change).
 */
@Injectable()
export class MemberReplica extends CachedMembershipSource {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  protected async lookUp(workspaceId: string, userId: string): Promise<WorkspaceRole[]> {
    const rows = (await this.dataSource.query(
      `SELECT role FROM member_replica WHERE workspace_id = $1 AND user_id = $2 AND is_active`,
      [workspaceId, userId],
    )) as Array<{ role: string }>;
    return rows
      .map((row) => row.role)
      .filter((role): role is WorkspaceRole => (WORKSPACE_ROLES as readonly string[]).includes(role));
  }

  /**
   * The latest state of one membership wins; an event older than the row (a replay of the compacted
   * topic, or a reordering) changes nothing.
   */
  async upsert(
    manager: EntityManager,
    row: {
      membershipId: string;
      workspaceId: string;
      userId: string;
      role: string;
      isActive: boolean;
      version: number;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO member_replica (membership_id, workspace_id, user_id, role, is_active, source_version, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (membership_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, user_id = EXCLUDED.user_id,
         role = EXCLUDED.role, is_active = EXCLUDED.is_active, source_version = EXCLUDED.source_version, updated_at = now()
       WHERE member_replica.source_version < EXCLUDED.source_version`,
      [row.membershipId, row.workspaceId, row.userId, row.role, row.isActive, row.version],
    );
  }
}
