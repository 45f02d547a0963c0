import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CachedMembershipSource, type WorkspaceRole } from '@atp/platform-auth';
import { MemberDirectory } from './member-directory';

/**
 * Access decisions of workflow-service come from its member replica (config-service owns memberships):
 * a revoked membership stops working here as soon as its `membership.updated` event is applied (the guard's answers
 * are cached for a second, and the reference consumer forgets them when it commits a membership change). A decision
 * reads the caller's roles again in its own transaction.
 */
@Injectable()
export class ReplicaMembershipSource extends CachedMembershipSource {
  private readonly members = new MemberDirectory();

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  protected async lookUp(workspaceId: string, userId: string): Promise<WorkspaceRole[]> {
    return (await this.members.activeRoles(this.dataSource.manager, workspaceId, userId)) as WorkspaceRole[];
  }
}
