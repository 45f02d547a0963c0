import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { pickOverride } from '@atp/approval-routing';
import { MemberDirectory } from '../replica/member-directory';
import type { PublishContext } from '../workflow/workflow-events.publisher';
import { WorkflowProgress } from '../workflow/workflow-progress.service';
import { WorkflowRepository } from '../workflow/workflow.repository';
import { OPEN_STAGE_STATUSES, isTerminalWorkflow } from '../workflow/state-machine';
import { OverrideRepository, toRoutingOverride, type OverrideRow } from './override.repository';

/**
 * Approving a SUBMISSION, CLUSTER or REGION override that is effective today moves the open stages it covers to
 * its `toUserId`, as a STAGE override does for its stage (#3): the stage's `approver_user_id` is what the inbox
 * shows and what `StageAuthority` checks, so the one who may decide sees the stage, the replaced approver no
 * longer does, and `workflow.stage.reassigned` tells downstream who decides now. A stage moves only when this
 * override is the one that wins by precedence for it (`pickOverride`), and never to the submission's submitter.
 */
@Injectable()
export class CoveredStageReassigner {
  constructor(
    private readonly overrides: OverrideRepository,
    private readonly members: MemberDirectory,
    private readonly workflows: WorkflowRepository,
    private readonly progress: WorkflowProgress,
  ) {}

  async reassign(manager: EntityManager, row: OverrideRow, today: string, context: PublishContext): Promise<string[]> {
    const candidates = (await manager.query(
      `SELECT s.id AS "stageId", s.workflow_instance_id AS "instanceId" FROM workflow_stages s
         JOIN workflow_instances i ON i.id = s.workflow_instance_id
       WHERE s.workspace_id = $1 AND s.approver_user_id = $2 AND s.role_code = $3 AND s.status = ANY($4::text[])
         AND i.status IN ('IN_PROGRESS','ON_HOLD') AND ($5::text IS NULL OR s.approval_role_id = $5)
         AND CASE $6::text WHEN 'SUBMISSION' THEN i.submission_id = $7
                           WHEN 'CLUSTER' THEN i.routing_snapshot->'request'->>'clusterCode' = $7
                           WHEN 'REGION' THEN i.routing_snapshot->'request'->>'region' = $7 END
       ORDER BY s.workflow_instance_id, s.stage_number, s.id`,
      [
        row.workspaceId, row.fromUserId, row.roleCode, OPEN_STAGE_STATUSES, row.approvalRoleId, row.overrideType,
        row.submissionId ?? row.clusterCode ?? row.region,
      ],
    )) as Array<{ stageId: string; instanceId: string }>;
    if (candidates.length === 0) return [];
    const approved = [...(await this.overrides.approvedForRouting(manager, row.workspaceId, row.roleCode)), toRoutingOverride(row)];
    const activeMembers = await this.members.activeMemberIds(manager, row.workspaceId);
    const moved: string[] = [];
    // Workflow rows are locked in id order (after the override row), the order every multi-row writer uses.
    for (const candidate of candidates) {
      const instance = await this.workflows.lockInstance(manager, row.workspaceId, candidate.instanceId);
      const stage = await this.workflows.stageOf(manager, instance.id, candidate.stageId);
      if (isTerminalWorkflow(instance.status) || !OPEN_STAGE_STATUSES.includes(stage.status) || stage.approverUserId !== row.fromUserId) continue;
      const routing = instance.routingSnapshot.request;
      const pick = pickOverride(
        approved,
        {
          approvalRoleId: stage.approvalRoleId, roleCode: stage.roleCode, fromUserIds: [stage.approverUserId], stageId: stage.id,
          submissionId: instance.submissionId, clusterCode: routing.clusterCode, region: routing.region,
        },
        today,
        (userId) => activeMembers.has(userId) && userId !== instance.submittedBy,
      );
      if (pick?.override.id !== row.id) continue;
      await this.progress.reassign(manager, instance, stage, { toUserId: row.toUserId, reason: row.overrideReason, overrideId: row.id, mode: 'OVERRIDE' }, context);
      moved.push(stage.id);
    }
    return moved;
  }
}
