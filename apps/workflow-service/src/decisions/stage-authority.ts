import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { pickOverride } from '@atp/approval-routing';
import { DomainError } from '@atp/platform-http';
import { OverrideRepository } from '../overrides/override.repository';
import type { InstanceRow, StageRow } from '../workflow/workflow-rows';

/**
 * Who may decide a stage (domain §4.3, architecture §7): its assigned approver, or the target of the
 * APPROVED override that wins by precedence (STAGE > SUBMISSION > CLUSTER > REGION); the submitter never.
 */
@Injectable()
export class StageAuthority {
  constructor(private readonly overrides: OverrideRepository) {}

  async requireMayDecide(manager: EntityManager, instance: InstanceRow, stage: StageRow, actorId: string, now: Date): Promise<'ASSIGNED' | 'OVERRIDE'> {
    if (actorId === instance.submittedBy) {
      throw new DomainError(403, 'SUBMITTER_CANNOT_DECIDE', 'The submitter of a submission never decides its stages');
    }
    if (stage.approverUserId !== null && actorId === stage.approverUserId) return 'ASSIGNED';
    if (stage.approverUserId !== null) {
      const overrides = await this.overrides.approvedForRouting(manager, instance.workspaceId, stage.roleCode);
      const routing = instance.routingSnapshot.request;
      const pick = pickOverride(
        overrides,
        {
          approvalRoleId: stage.approvalRoleId,
          roleCode: stage.roleCode,
          fromUserIds: [stage.approverUserId],
          stageId: stage.id,
          submissionId: instance.submissionId,
          clusterCode: routing.clusterCode,
          region: routing.region,
        },
        now.toISOString().slice(0, 10),
      );
      if (pick && pick.override.toUserId === actorId) return 'OVERRIDE';
    }
    throw new DomainError(403, 'NOT_STAGE_APPROVER', `user ${actorId} is not the approver of stage ${stage.id}`);
  }
}
