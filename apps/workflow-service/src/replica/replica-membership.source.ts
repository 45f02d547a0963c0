import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MembershipSource, type WorkspaceRole } from '@atp/platform-auth';
import { MemberDirectory } from './member-directory';

/**
 * Access decisions of workflow-service come from its member replica (config-service owns memberships):
 * a revoked membership stops working here as soon as its `membership.updated` event is applied.
 */
@Injectable()
export class ReplicaMembershipSource extends MembershipSource {
  private readonly members = new MemberDirectory();

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async activeRoles(workspaceId: string, userId: string): Promise<WorkspaceRole[]> {
    return (await this.members.activeRoles(this.dataSource.manager, workspaceId, userId)) as WorkspaceRole[];
  }
}
