import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CachedMembershipSource, type WorkspaceRole } from '@atp/platform-auth';

/**
 * Access decisions of config-service come from its own directory: active memberships of an active
 * user (a suspended user keeps a valid token until it expires, but no longer reaches any workspace).
 * The directory changes only through this service (MembershipsService, UsersService call `forget()` after
 * each commit), so the answers are cached for a short bound (see CachedMembershipSource).
 */
@Injectable()
export class WorkspaceMembershipSource extends CachedMembershipSource {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  protected async lookUp(workspaceId: string, userId: string): Promise<WorkspaceRole[]> {
    const rows = (await this.dataSource.query(
      `SELECT m.role FROM workspace_members m JOIN users u ON u.id = m.user_id
        WHERE m.workspace_id = $1 AND m.user_id = $2 AND m.status = 'ACTIVE' AND u.is_active`,
      [workspaceId, userId],
    )) as Array<{ role: WorkspaceRole }>;
    return rows.map((row) => row.role);
  }
}
