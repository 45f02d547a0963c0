import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { slaState } from '@atp/approval-routing';
import { decodeCursor, encodeCursor, NotFoundError, type Page } from '@atp/platform-http';
import { ReferenceRejectionLog } from '@atp/platform-messaging';
import { Clock } from '../clock/clock';

export interface InboxFilters {
  atpCategory?: string;
  slaState?: 'ON_TRACK' | 'AT_RISK' | 'OVERDUE';
  roleCode?: string;
  limit: number;
  cursor?: string;
}

interface InboxRow {
  stageId: string;
  workflowInstanceId: string;
  submissionId: string;
  stageNumber: number;
  stageName: string;
  roleCode: string;
  parallelGroup: string | null;
  atpCategory: string;
  siteId: string;
  slaDueAt: Date;
  slaBreachedAt: Date | null;
}

const AT_RISK_MS = 6 * 3_600_000;

/** Read side: the approver inbox, one workflow with its history, SLA violations. */
@Injectable()
export class WorkflowQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * PENDING stages of one approver, soonest due first, keyset-paginated on (sla_due_at, id) so the
   * partial index `idx_workflow_stages_pending_by_user` serves every page.
   */
  async inbox(workspaceId: string, userId: string, filters: InboxFilters): Promise<Page<Record<string, unknown>>> {
    const now = this.clock.now();
    const after = decodeCursor<{ due: string; id: string }>(filters.cursor, ['due', 'id']);
    // SLA state filters become due-time ranges, which the index can use.
    const dueFrom =
      filters.slaState === 'ON_TRACK'
        ? new Date(now.getTime() + AT_RISK_MS)
        : filters.slaState === 'AT_RISK'
          ? now
          : null;
    const dueBefore =
      filters.slaState === 'OVERDUE'
        ? now
        : filters.slaState === 'AT_RISK'
          ? new Date(now.getTime() + AT_RISK_MS)
          : null;
    const rows = (await this.dataSource.query(
      `SELECT s.id AS "stageId", s.workflow_instance_id AS "workflowInstanceId", i.submission_id AS "submissionId", s.stage_number AS "stageNumber",
         s.stage_name AS "stageName", s.role_code AS "roleCode", s.parallel_group AS "parallelGroup", i.atp_category AS "atpCategory",
         i.site_id AS "siteId", s.sla_due_at AS "slaDueAt", s.sla_breached_at AS "slaBreachedAt"
       FROM workflow_stages s JOIN workflow_instances i ON i.id = s.workflow_instance_id
       WHERE s.approver_user_id = $1 AND s.status = 'PENDING' AND s.workspace_id = $2 AND i.status = 'IN_PROGRESS'
         AND ($3::text IS NULL OR i.atp_category = $3) AND ($4::text IS NULL OR s.role_code = $4)
         AND ($5::timestamptz IS NULL OR s.sla_due_at >= $5) AND ($6::timestamptz IS NULL OR s.sla_due_at < $6)
         AND ($7::timestamptz IS NULL OR (s.sla_due_at, s.id) > ($7::timestamptz, $8::text))
       ORDER BY s.sla_due_at, s.id LIMIT $9`,
      [
        userId,
        workspaceId,
        filters.atpCategory ?? null,
        filters.roleCode ?? null,
        dueFrom,
        dueBefore,
        after?.due ?? null,
        after?.id ?? null,
        filters.limit + 1,
      ],
    )) as InboxRow[];
    const page = rows.slice(0, filters.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => ({
        ...row,
        slaDueAt: row.slaDueAt.toISOString(),
        slaBreachedAt: row.slaBreachedAt?.toISOString() ?? null,
        sla: slaState(row.slaDueAt, now),
      })),
      nextCursor:
        rows.length > filters.limit && last
          ? encodeCursor({ due: last.slaDueAt.toISOString(), id: last.stageId })
          : null,
    };
  }

  async workflow(workspaceId: string, instanceId: string): Promise<Record<string, unknown>> {
    const [instance] = (await this.dataSource.query(
      `SELECT id, workspace_id AS "workspaceId", submission_id AS "submissionId", attempt_number AS "attemptNumber", status,
         config_version_id AS "configVersionId", approval_policy_id AS "approvalPolicyId", site_id AS "siteId", scope_id AS "scopeId",
         vendor_id AS "vendorId", atp_category AS "atpCategory", current_stage_number AS "currentStageNumber", total_stages AS "totalStages",
         submitted_by AS "submittedBy", hold_reason AS "holdReason", started_at AS "startedAt", completed_at AS "completedAt",
         routing_snapshot AS "routingSnapshot"
       FROM workflow_instances WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, instanceId],
    )) as Array<Record<string, unknown>>;
    if (!instance) throw new NotFoundError('workflow', instanceId);
    const stages = (await this.dataSource.query(
      `SELECT id, stage_number AS "stageNumber", stage_name AS "stageName", approval_role_id AS "approvalRoleId", role_code AS "roleCode",
         is_parallel AS "isParallel", parallel_group AS "parallelGroup", approver_user_id AS "approverUserId", backup_user_id AS "backupUserId",
         status, decision, decided_by AS "decidedBy", decided_at AS "decidedAt", decision_comments AS "decisionComments", sla_hours AS "slaHours",
         activated_at AS "activatedAt", sla_due_at AS "slaDueAt", sla_breached_at AS "slaBreachedAt", policy_stage_id AS "policyStageId",
         config_version_id AS "configVersionId"
       FROM workflow_stages WHERE workflow_instance_id = $1 ORDER BY stage_number, parallel_group NULLS FIRST, id`,
      [instanceId],
    )) as Array<Record<string, unknown>>;
    const actions = (await this.dataSource.query(
      `SELECT id, workflow_stage_id AS "stageId", action_type AS "actionType", actor_user_id AS "actorUserId", action_at AS "actionAt", payload, notes
       FROM workflow_stage_actions WHERE workflow_instance_id = $1 ORDER BY seq`,
      [instanceId],
    )) as Array<Record<string, unknown>>;
    const referenceRejections = await ReferenceRejectionLog.ofAggregate(
      this.dataSource.manager,
      workspaceId,
      instanceId,
    );
    return { ...instance, stages, actions, referenceRejections };
  }

  /** Newest first, keyset-paginated on (started_at, id); started_at as text keeps its microseconds. */
  async workflows(
    workspaceId: string,
    f: { submissionId?: string; limit: number; cursor?: string },
  ): Promise<Page<Record<string, unknown>>> {
    const after = decodeCursor<{ at: string; id: string }>(f.cursor, ['at', 'id']);
    const rows = (await this.dataSource.query(
      `SELECT id AS "workflowId", submission_id AS "submissionId", attempt_number AS "attemptNumber", status, atp_category AS "atpCategory",
         site_id AS "siteId", scope_id AS "scopeId", vendor_id AS "vendorId", approval_policy_id AS "approvalPolicyId",
         current_stage_number AS "currentStageNumber", total_stages AS "totalStages", submitted_by AS "submittedBy",
         started_at AS "startedAt", completed_at AS "completedAt",
         to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
       FROM workflow_instances
       WHERE workspace_id = $1 AND ($2::text IS NULL OR submission_id = $2)
         AND ($3::timestamptz IS NULL OR (started_at, id::text) < ($3::timestamptz, $4::text))
       ORDER BY started_at DESC, id::text DESC LIMIT $5`,
      [workspaceId, f.submissionId ?? null, after?.at ?? null, after?.id ?? null, f.limit + 1],
    )) as Array<Record<string, unknown> & { workflowId: string; cursorAt: string }>;
    const page = rows.slice(0, f.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ cursorAt: _cursorAt, ...row }) => row),
      nextCursor: rows.length > f.limit && last ? encodeCursor({ at: last.cursorAt, id: last.workflowId }) : null,
    };
  }

  /** Breached or overdue stages, most overdue first, keyset-paginated on (sla_due_at, id). */
  async slaViolations(
    workspaceId: string,
    f: { limit: number; cursor?: string },
  ): Promise<Page<Record<string, unknown>>> {
    const now = this.clock.now();
    const after = decodeCursor<{ due: string; id: string }>(f.cursor, ['due', 'id']);
    const rows = (await this.dataSource.query(
      `SELECT s.id AS "stageId", s.workflow_instance_id AS "workflowInstanceId", i.submission_id AS "submissionId", s.stage_number AS "stageNumber",
         s.role_code AS "roleCode", s.approver_user_id AS "approverUserId", s.status, s.sla_due_at AS "slaDueAt", s.sla_breached_at AS "slaBreachedAt",
         to_char(s.sla_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
       FROM workflow_stages s JOIN workflow_instances i ON i.id = s.workflow_instance_id
       WHERE s.workspace_id = $1 AND (s.sla_breached_at IS NOT NULL OR (s.status = 'PENDING' AND s.sla_due_at < $2))
         AND ($3::timestamptz IS NULL OR (s.sla_due_at, s.id::text) > ($3::timestamptz, $4::text))
       ORDER BY s.sla_due_at, s.id::text LIMIT $5`,
      [workspaceId, now, after?.due ?? null, after?.id ?? null, f.limit + 1],
    )) as Array<Record<string, unknown> & { stageId: string; cursorAt: string }>;
    const page = rows.slice(0, f.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ cursorAt: _cursorAt, ...row }) => row),
      nextCursor: rows.length > f.limit && last ? encodeCursor({ due: last.cursorAt, id: last.stageId }) : null,
    };
  }
}
