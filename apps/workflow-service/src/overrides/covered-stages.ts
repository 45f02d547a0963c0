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
       WHERE s.workspace_id = $1 AND s.role_code = $2 AND s.status = ANY($3::text[]) AND s.approver_user_id IS NOT NULL
         AND i.status IN ('IN_PROGRESS','ON_HOLD') AND ($4::text IS NULL OR s.approval_role_id = $4)
         AND CASE $5::text WHEN 'SUBMISSION' THEN i.submission_id = $6
                           WHEN 'CLUSTER' THEN i.routing_snapshot->'request'->>'clusterCode' = $6
                           WHEN 'REGION' THEN i.routing_snapshot->'request'->>'region' = $6 END
       ORDER BY s.workflow_instance_id, s.stage_number, s.id`,
      [
        row.workspaceId,
        row.roleCode,
        OPEN_STAGE_STATUSES,
        row.approvalRoleId,
        row.overrideType,
        row.submissionId ?? row.clusterCode ?? row.region,
      ],
    )) as Array<{ stageId: string; instanceId: string }>;
    if (candidates.length === 0) return [];
    const approved = [
      ...(await this.overrides.approvedForRouting(manager, row.workspaceId, row.roleCode)),
      toRoutingOverride(row),
    ];
    const activeMembers = await this.members.activeMemberIds(manager, row.workspaceId);
    const moved: string[] = [];
    // Workflow rows are locked in id order (after the override row), the order every multi-row writer uses.
    for (const candidate of candidates) {
      const instance = await this.workflows.lockInstance(manager, row.workspaceId, candidate.instanceId);
      const stage = await this.workflows.stageOf(manager, instance.id, candidate.stageId);
      if (
        isTerminalWorkflow(instance.status) ||
        !OPEN_STAGE_STATUSES.includes(stage.status) ||
        stage.approverUserId === null
      )
        continue;
      // The approver an override replaced still counts: a CLUSTER override beats the REGION one that moved the stage.
      const fromUserIds = [stage.approverUserId, await replacedUserOf(manager, stage.id)];
      if (!fromUserIds.includes(row.fromUserId) || stage.approverUserId === row.toUserId) continue;
      const routing = instance.routingSnapshot.request;
      const pick = pickOverride(
        approved,
        {
          approvalRoleId: stage.approvalRoleId,
          roleCode: stage.roleCode,
          fromUserIds,
          stageId: stage.id,
          submissionId: instance.submissionId,
          clusterCode: routing.clusterCode,
          region: routing.region,
        },
        today,
        (userId) => activeMembers.has(userId) && userId !== instance.submittedBy,
      );
      if (pick?.override.id !== row.id) continue;
      await this.progress.reassign(
        manager,
        instance,
        stage,
        { toUserId: row.toUserId, reason: row.overrideReason, overrideId: row.id, mode: 'OVERRIDE' },
        context,
      );
      moved.push(stage.id);
    }
    return moved;
  }
}

/**
 * The user an override replaced on this stage, when its current approver came from an override (at start or by an
 * approval since), else null. A manual reassignment ends the lineage: overrides of the earlier user no longer apply.
 */
export async function replacedUserOf(manager: EntityManager, stageId: string): Promise<string | null> {
  const [last] = (await manager.query(replacedUserQuery('$1'), [stageId])) as ReplacedUserRow[];
  return replacedUserOfRow(last ?? null);
}

export interface ReplacedUserRow {
  actionType: string;
  baseUserId: string | null;
  overrideFrom: string | null;
}

/** The stage's last CREATED or REASSIGNED action and the override behind it; `stageId` is a parameter or subquery. */
export function replacedUserQuery(stageId: string): string {
  return `SELECT a.action_type AS "actionType", a.payload->>'baseUserId' AS "baseUserId", o.from_user_id AS "overrideFrom"
     FROM workflow_stage_actions a LEFT JOIN approver_overrides o ON o.id = a.payload->>'overrideId'
     WHERE a.workflow_stage_id = ${stageId} AND a.action_type IN ('CREATED','REASSIGNED') ORDER BY a.seq DESC LIMIT 1`;
}

export function replacedUserOfRow(last: ReplacedUserRow | null): string | null {
  if (!last) return null;
  return last.overrideFrom ?? (last.actionType === 'CREATED' ? last.baseUserId : null);
}
