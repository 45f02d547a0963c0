import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CachedMembershipSource, type WorkspaceRole } from '@atp/platform-auth';

/**
 * The access guard's view of memberships: this service's replica of config-service's members, each answer cached
 * for a second (the reference consumer forgets them when it commits a membership change).
 */
@Injectable()
export class ReplicaMembershipSource extends CachedMembershipSource {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  protected async lookUp(workspaceId: string, userId: string): Promise<WorkspaceRole[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT role FROM member_replica WHERE workspace_id = $1 AND user_id = $2 AND is_active`,
      [workspaceId, userId],
    )) as Array<{ role: WorkspaceRole }>;
    return rows.map((row) => row.role);
  }
}
