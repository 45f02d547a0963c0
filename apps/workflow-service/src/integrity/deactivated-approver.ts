import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, MembershipPayloadV1 } from '@atp/contracts';
import { Clock } from '../clock/clock';
import { WorkflowProgress } from '../workflow/workflow-progress.service';
import { WorkflowRepository } from '../workflow/workflow.repository';

/** Who moves the stages of a deactivated approver (the trail's actor). */
export const DEACTIVATION_ACTOR = 'system:membership';

/**
 * The published effect of deactivating a user in a workspace (issue 13 item 4, cross-service RESTRICT): config-service
 * does not refuse the deactivation of a member who approves open stages, and workflow-service, which replicates the
 * membership, gives each of their open stages (WAITING or PENDING, in a running or held workflow) to the stage's
 * frozen backup approver: a REASSIGNED row in the trail and `workflow.stage.reassigned` with the reason. A stage whose
 * backup is the same user or no longer an active member keeps its approver (an admin reassigns it by hand).
 * Idempotent by state: a redelivered or older event finds no open stage of the user left to move.
 */
@Injectable()
export class DeactivatedApproverReassigner {
  constructor(
    private readonly clock: Clock,
    private readonly workflows: WorkflowRepository,
    private readonly progress: WorkflowProgress,
  ) {}

  async onMembership(manager: EntityManager, envelope: EventEnvelope<MembershipPayloadV1>): Promise<string[]> {
    const { workspaceId, userId } = envelope.payload;
    // The replica decides (an older event than the replica's state changed nothing); another active membership keeps
    // them.
    if (await this.isActiveMember(manager, workspaceId, userId)) return [];
    const instances = (await manager.query(
      `SELECT DISTINCT s.workflow_instance_id AS id FROM workflow_stages s JOIN workflow_instances i ON i.id = s.workflow_instance_id
        WHERE s.workspace_id = $1 AND s.approver_user_id = $2 AND s.status IN ('WAITING','PENDING') AND i.status IN ('IN_PROGRESS','ON_HOLD')
        ORDER BY 1`,
      [workspaceId, userId],
    )) as Array<{ id: string }>;
    const moved: string[] = [];
    const reason = `APPROVER_DEACTIVATED: ${userId} is no longer an active member of the workspace; the stage goes to its backup`;
    for (const { id } of instances) {
      const instance = await this.workflows.lockInstance(manager, workspaceId, id); // lock order: instance → stages
      if (instance.status !== 'IN_PROGRESS' && instance.status !== 'ON_HOLD') continue;
      const open = (await this.workflows.stagesOf(manager, id)).filter(
        (s) => s.approverUserId === userId && (s.status === 'WAITING' || s.status === 'PENDING'),
      );
      for (const stage of open) {
        const backup = stage.backupUserId;
        if (!backup || backup === userId || !(await this.isActiveMember(manager, workspaceId, backup))) continue;
        const context = {
          workspaceId,
          actorId: DEACTIVATION_ACTOR,
          causationId: envelope.eventId,
          correlationId: envelope.correlationId,
          occurredAt: this.clock.now(),
        };
        await this.progress.reassign(
          manager,
          instance,
          stage,
          { toUserId: backup, reason, overrideId: null, mode: 'REASSIGN' },
          context,
        );
        moved.push(stage.id);
      }
    }
    return moved;
  }

  private async isActiveMember(manager: EntityManager, workspaceId: string, userId: string): Promise<boolean> {
    const rows = (await manager.query(
      `SELECT 1 FROM member_replica WHERE workspace_id = $1 AND user_id = $2 AND is_active LIMIT 1`,
      [workspaceId, userId],
    )) as unknown[];
    return rows.length > 0;
  }
}
