import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ApproverOverride, OverrideType } from '@atp/approval-routing';

export interface OverrideRow {
  id: string;
  workspaceId: string;
  overrideType: OverrideType;
  workflowStageId: string | null;
  submissionId: string | null;
  clusterCode: string | null;
  region: string | null;
  /** Null when the override names its role by code only. */
  approvalRoleId: string | null;
  roleCode: string;
  fromUserId: string;
  toUserId: string;
  overrideReason: string;
  requestorUserId: string;
  approvalStatus: 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED';
  approvedBy: string | null;
  approvedAt: Date | null;
  effectiveDate: string;
  expiryDate: string | null;
  /** The workflow of a STAGE override's stage (derived, not stored). */
  workflowInstanceId: string | null;
  notes: string | null;
  createdAt: Date;
  /** created_at with its microseconds, for keyset cursors (a JS Date keeps milliseconds only). */
  cursorAt: string;
}

export interface OverrideListFilters {
  overrideType?: string;
  approvalStatus?: string;
  workflowStageId?: string;
  submissionId?: string;
  roleCode?: string;
  fromUserId?: string;
  toUserId?: string;
  limit: number;
  after: { at: string; id: string } | null;
}

const COLUMNS = `id, workspace_id AS "workspaceId", override_type AS "overrideType", workflow_stage_id AS "workflowStageId",
  submission_id AS "submissionId", cluster_code AS "clusterCode", region, approval_role_id AS "approvalRoleId", role_code AS "roleCode",
  from_user_id AS "fromUserId", to_user_id AS "toUserId", override_reason AS "overrideReason", requestor_user_id AS "requestorUserId",
  approval_status AS "approvalStatus", approved_by AS "approvedBy", approved_at AS "approvedAt",
  to_char(effective_date, 'YYYY-MM-DD') AS "effectiveDate", to_char(expiry_date, 'YYYY-MM-DD') AS "expiryDate", notes,
  (SELECT st.workflow_instance_id FROM workflow_stages st WHERE st.id = approver_overrides.workflow_stage_id) AS "workflowInstanceId",
  created_at AS "createdAt", to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"`;

/** An approver_overrides row in the routing library's shape (`ApproverOverride`), for reads that only route. */
export const ROUTING_OVERRIDE_COLUMNS = `id, override_type AS "overrideType", approval_role_id AS "approvalRoleId", role_code AS "roleCode",
  from_user_id AS "fromUserId", to_user_id AS "toUserId", workflow_stage_id AS "stageId", submission_id AS "submissionId",
  cluster_code AS "clusterCode", region, to_char(effective_date, 'YYYY-MM-DD') AS "effectiveDate",
  to_char(expiry_date, 'YYYY-MM-DD') AS "expiryDate"`;

/** Which overrides routing considers (dates and targets are checked by `pickOverride`). */
export const ROUTABLE_OVERRIDE = `approval_status = 'APPROVED' AND is_active`;

export function toRoutingOverride(row: OverrideRow): ApproverOverride {
  return {
    id: row.id,
    overrideType: row.overrideType,
    approvalRoleId: row.approvalRoleId,
    roleCode: row.roleCode,
    fromUserId: row.fromUserId,
    toUserId: row.toUserId,
    stageId: row.workflowStageId,
    submissionId: row.submissionId,
    clusterCode: row.clusterCode,
    region: row.region,
    effectiveDate: row.effectiveDate,
    expiryDate: row.expiryDate,
  };
}

@Injectable()
export class OverrideRepository {
  async insert(
    manager: EntityManager,
    row: Omit<
      OverrideRow,
      'id' | 'approvalStatus' | 'approvedBy' | 'approvedAt' | 'workflowInstanceId' | 'notes' | 'createdAt' | 'cursorAt'
    >,
  ): Promise<OverrideRow> {
    const inserted = (await manager.query(
      `INSERT INTO approver_overrides (workspace_id, override_type, workflow_stage_id, submission_id, cluster_code, region, approval_role_id,
         role_code, from_user_id, to_user_id, override_reason, requestor_user_id, effective_date, expiry_date)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING ${COLUMNS}`,
      [
        row.workspaceId,
        row.overrideType,
        row.workflowStageId,
        row.submissionId,
        row.clusterCode,
        row.region,
        row.approvalRoleId,
        row.roleCode,
        row.fromUserId,
        row.toUserId,
        row.overrideReason,
        row.requestorUserId,
        row.effectiveDate,
        row.expiryDate,
      ],
    )) as OverrideRow[];
    return inserted[0];
  }

  async find(manager: EntityManager, workspaceId: string, id: string): Promise<OverrideRow | null> {
    const rows = (await manager.query(
      `SELECT ${COLUMNS} FROM approver_overrides WHERE workspace_id = $1 AND id::text = $2`,
      [workspaceId, id],
    )) as OverrideRow[];
    return rows[0] ?? null;
  }

  async lock(manager: EntityManager, workspaceId: string, id: string): Promise<OverrideRow | null> {
    const rows = (await manager.query(
      `SELECT ${COLUMNS} FROM approver_overrides WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
      [workspaceId, id],
    )) as OverrideRow[];
    return rows[0] ?? null;
  }

  /**
   * Records the admin's decision; `approved_by/approved_at` hold the decider of either outcome, `notes` the comment.
   */
  async decide(
    manager: EntityManager,
    id: string,
    status: 'APPROVED' | 'REJECTED',
    by: string,
    at: Date,
    comment: string | null,
  ): Promise<OverrideRow> {
    const result = (await manager.query(
      `UPDATE approver_overrides SET approval_status = $2, approved_by = $3, approved_at = $4, notes = COALESCE($5, notes), updated_at = now()
       WHERE id = $1 AND approval_status = 'PENDING' RETURNING ${COLUMNS}`,
      [id, status, by, at, comment],
    )) as [OverrideRow[], number];
    return result[0][0];
  }

  /** A workspace's overrides, newest first, keyset-paginated on (created_at, id). */
  async list(manager: EntityManager, workspaceId: string, f: OverrideListFilters): Promise<OverrideRow[]> {
    return (await manager.query(
      `SELECT ${COLUMNS} FROM approver_overrides
       WHERE workspace_id = $1
         AND ($2::text IS NULL OR override_type = $2) AND ($3::text IS NULL OR approval_status = $3)
         AND ($4::text IS NULL OR workflow_stage_id = $4) AND ($5::text IS NULL OR submission_id = $5)
         AND ($6::text IS NULL OR role_code = $6) AND ($7::text IS NULL OR from_user_id = $7) AND ($8::text IS NULL OR to_user_id = $8)
         AND ($9::timestamptz IS NULL OR (created_at, id) < ($9::timestamptz, $10::text))
       ORDER BY created_at DESC, id DESC LIMIT $11`,
      [
        workspaceId,
        f.overrideType ?? null,
        f.approvalStatus ?? null,
        f.workflowStageId ?? null,
        f.submissionId ?? null,
        f.roleCode ?? null,
        f.fromUserId ?? null,
        f.toUserId ?? null,
        f.after?.at ?? null,
        f.after?.id ?? null,
        f.limit,
      ],
    )) as OverrideRow[];
  }

  /** APPROVED, active overrides of the workspace in the routing library's shape (dates are checked there). */
  async approvedForRouting(
    manager: EntityManager,
    workspaceId: string,
    roleCode?: string,
  ): Promise<ApproverOverride[]> {
    return (await manager.query(
      `SELECT ${ROUTING_OVERRIDE_COLUMNS} FROM approver_overrides
       WHERE workspace_id = $1 AND ${ROUTABLE_OVERRIDE} AND ($2::text IS NULL OR role_code = $2)`,
      [workspaceId, roleCode ?? null],
    )) as ApproverOverride[];
  }
}
