import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotFoundError } from '@atp/platform-http';
import { StatementBuilder } from '@atp/platform-database';
import { INSTANCE_COLUMNS, STAGE_COLUMNS, type InstanceRow, type StageRow } from './workflow-rows';
import type { StageStatus, WorkflowStatus } from './state-machine';

export const ACTION_TYPES = [
  'CREATED',
  'ACTIVATED',
  'UNASSIGNED',
  'APPROVE',
  'APPROVE_WITH_PUNCHLIST',
  'REJECT',
  'CANCELLED',
  'SLA_BREACHED',
  'ESCALATED',
  'REASSIGNED',
  'HELD',
  'RESUMED',
  'SKIPPED',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface ActionDraft {
  workspaceId: string;
  workflowInstanceId: string;
  workflowStageId: string;
  actionType: ActionType;
  actorUserId: string | null;
  actionAt: Date;
  payload: Record<string, unknown>;
  notes?: string | null;
}

/**
 * SQL of the runtime tables. Every read takes the workspace id: a foreign workspace's workflow answers
 * 404 like an unknown one (architecture §7).
 */
@Injectable()
export class WorkflowRepository {
  /**
   * Locks the instance row: decisions, admin actions, override approvals and SLA sweeps of one
   * workflow run one after the other. It is the first lock each of them takes (order: instance →
   * stages → outbox aggregate version), so they cannot deadlock against each other.
   */
  async lockInstance(manager: EntityManager, workspaceId: string, instanceId: string): Promise<InstanceRow> {
    const rows = (await manager.query(
      `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
      [workspaceId, instanceId],
    )) as InstanceRow[];
    if (rows.length === 0) throw new NotFoundError('workflow', instanceId);
    return rows[0];
  }

  /** Locks every workflow (attempt) of a submission, in id order. */
  async lockInstancesOfSubmission(manager: EntityManager, workspaceId: string, submissionId: string): Promise<void> {
    await manager.query(
      `SELECT id FROM workflow_instances WHERE workspace_id = $1 AND submission_id = $2 ORDER BY id FOR UPDATE`,
      [workspaceId, submissionId],
    );
  }

  async findInstance(manager: EntityManager, workspaceId: string, instanceId: string): Promise<InstanceRow | null> {
    const rows = (await manager.query(
      `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, instanceId],
    )) as InstanceRow[];
    return rows[0] ?? null;
  }

  async stagesOf(manager: EntityManager, instanceId: string): Promise<StageRow[]> {
    return (await manager.query(
      `SELECT ${STAGE_COLUMNS} FROM workflow_stages WHERE workflow_instance_id = $1 ORDER BY stage_number, parallel_group NULLS FIRST, id`,
      [instanceId],
    )) as StageRow[];
  }

  async setInstanceStatus(
    manager: EntityManager,
    instanceId: string,
    status: WorkflowStatus,
    changes: {
      currentStageNumber?: number | null;
      completedAt?: Date | null;
      holdReason?: string | null;
      heldAt?: Date | null;
    } = {},
  ): Promise<void> {
    await manager.query(
      `UPDATE workflow_instances SET status = $2,
         current_stage_number = CASE WHEN $3::boolean THEN $4::int ELSE current_stage_number END,
         completed_at = CASE WHEN $5::boolean THEN $6::timestamptz ELSE completed_at END,
         hold_reason = CASE WHEN $7::boolean THEN $8 ELSE hold_reason END,
         held_at = CASE WHEN $9::boolean THEN $10::timestamptz ELSE held_at END,
         updated_at = now()
       WHERE id = $1`,
      [
        instanceId,
        status,
        'currentStageNumber' in changes,
        changes.currentStageNumber ?? null,
        'completedAt' in changes,
        changes.completedAt ?? null,
        'holdReason' in changes,
        changes.holdReason ?? null,
        'heldAt' in changes,
        changes.heldAt ?? null,
      ],
    );
  }

  /** One stage of one workflow (the workflow was already found in the caller's workspace). */
  async stageOf(manager: EntityManager, instanceId: string, stageId: string): Promise<StageRow> {
    const rows = (await manager.query(
      `SELECT ${STAGE_COLUMNS} FROM workflow_stages WHERE id = $1 AND workflow_instance_id = $2`,
      [stageId, instanceId],
    )) as StageRow[];
    if (rows.length === 0) throw new NotFoundError('stage', stageId);
    return rows[0];
  }

  /** A stage by id within a workspace, or null (override requests name a stage without its workflow). */
  async findStage(manager: EntityManager, workspaceId: string, stageId: string): Promise<StageRow | null> {
    const rows = (await manager.query(
      `SELECT ${STAGE_COLUMNS} FROM workflow_stages WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, stageId],
    )) as StageRow[];
    return rows[0] ?? null;
  }

  /** WAITING stages whose stage number opened but which the frozen policy does not require. */
  async skipStages(manager: EntityManager, stageIds: readonly string[]): Promise<StageRow[]> {
    if (stageIds.length === 0) return [];
    const result = (await manager.query(
      `UPDATE workflow_stages SET status = 'SKIPPED', updated_at = now()
       WHERE id = ANY($1::text[]) AND status = 'WAITING' RETURNING ${STAGE_COLUMNS}`,
      [stageIds],
    )) as [StageRow[], number];
    return result[0];
  }

  /**
   * Moves the SLA due time of the workflow's PENDING stages later by `ms` (resume after a hold: the SLA
   * clock does not run while a workflow is ON_HOLD). Returns each stage with its old and new due time.
   */
  async shiftPendingSla(
    manager: EntityManager,
    instanceId: string,
    ms: number,
  ): Promise<Array<{ stage: StageRow; oldDueAt: Date }>> {
    const before = (await manager.query(
      `SELECT id, sla_due_at AS "slaDueAt" FROM workflow_stages WHERE workflow_instance_id = $1 AND status = 'PENDING'`,
      [instanceId],
    )) as Array<{ id: string; slaDueAt: Date }>;
    if (before.length === 0 || ms <= 0) return [];
    const result = (await manager.query(
      `UPDATE workflow_stages SET sla_due_at = sla_due_at + make_interval(secs => $2::double precision / 1000), updated_at = now()
       WHERE workflow_instance_id = $1 AND status = 'PENDING' RETURNING ${STAGE_COLUMNS}`,
      [instanceId, ms],
    )) as [StageRow[], number];
    const old = new Map(before.map((row) => [row.id, row.slaDueAt]));
    return result[0].map((stage) => ({ stage, oldDueAt: old.get(stage.id) ?? stage.slaDueAt ?? new Date(0) }));
  }

  /** Opens stages: PENDING with their SLA running from `at`. Returns the opened rows. */
  async activateStages(manager: EntityManager, stageIds: readonly string[], at: Date): Promise<StageRow[]> {
    if (stageIds.length === 0) return [];
    // UPDATE … RETURNING answers [rows, rowCount] through TypeORM's query().
    const result = (await manager.query(
      `UPDATE workflow_stages SET status = 'PENDING', activated_at = $2,
         sla_due_at = $2::timestamptz + make_interval(hours => sla_hours), updated_at = now()
       WHERE id = ANY($1::text[]) AND status = 'WAITING'
       RETURNING ${STAGE_COLUMNS}`,
      [stageIds, at],
    )) as [StageRow[], number];
    return result[0];
  }

  async cancelStages(manager: EntityManager, stageIds: readonly string[]): Promise<StageRow[]> {
    if (stageIds.length === 0) return [];
    const result = (await manager.query(
      `UPDATE workflow_stages SET status = 'CANCELLED', updated_at = now()
       WHERE id = ANY($1::text[]) AND status IN ('WAITING','PENDING') RETURNING ${STAGE_COLUMNS}`,
      [stageIds],
    )) as [StageRow[], number];
    return result[0];
  }

  /**
   * Gives a stage to another approver only if it is still assigned to `expectedApproverUserId` (the
   * approver the caller checked): a change that raced with this one is refused, never overwritten.
   */
  async setStageApprover(
    manager: EntityManager,
    stageId: string,
    expectedApproverUserId: string | null,
    approverUserId: string,
  ): Promise<boolean> {
    const result = (await manager.query(
      `UPDATE workflow_stages SET approver_user_id = $3, updated_at = now()
       WHERE id = $1 AND approver_user_id IS NOT DISTINCT FROM $2 AND status IN ('WAITING','PENDING')`,
      [stageId, expectedApproverUserId, approverUserId],
    )) as [unknown[], number];
    return result[1] === 1;
  }

  async appendActions(manager: EntityManager, actions: readonly ActionDraft[]): Promise<void> {
    if (actions.length === 0) return;
    const statement = new StatementBuilder();
    this.appendActionsTo(statement, actions);
    await statement.run(manager, 'SELECT 1');
  }

  /** `appendActions` as the part `stage_actions` of the caller's statement (rows inserted in the given order). */
  appendActionsTo(statement: StatementBuilder, actions: readonly ActionDraft[]): void {
    if (actions.length === 0) return;
    const p = (values: unknown[], cast: string) => statement.param(values, cast);
    statement.with(
      'stage_actions',
      `INSERT INTO workflow_stage_actions (workspace_id, workflow_instance_id, workflow_stage_id, action_type, actor_user_id, action_at, payload, notes)
       SELECT * FROM unnest(${p(
         actions.map((a) => a.workspaceId),
         '::uuid[]',
       )}, ${p(
         actions.map((a) => a.workflowInstanceId),
         '::text[]',
       )},
         ${p(
           actions.map((a) => a.workflowStageId),
           '::text[]',
         )}, ${p(
           actions.map((a) => a.actionType),
           '::text[]',
         )},
         ${p(
           actions.map((a) => a.actorUserId),
           '::text[]',
         )}, ${p(
           actions.map((a) => a.actionAt),
           '::timestamptz[]',
         )},
         ${p(
           actions.map((a) => JSON.stringify(a.payload)),
           '::jsonb[]',
         )}, ${p(
           actions.map((a) => a.notes ?? null),
           '::text[]',
         )})
       RETURNING 1`,
    );
  }
}

export function statusChange(
  from: StageStatus | WorkflowStatus,
  to: StageStatus | WorkflowStatus,
): Record<string, unknown> {
  return { oldStatus: from, newStatus: to };
}
