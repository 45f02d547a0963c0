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
  approvalRoleId: string;
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
}

const COLUMNS = `id, workspace_id AS "workspaceId", override_type AS "overrideType", workflow_stage_id AS "workflowStageId",
  submission_id AS "submissionId", cluster_code AS "clusterCode", region, approval_role_id AS "approvalRoleId", role_code AS "roleCode",
  from_user_id AS "fromUserId", to_user_id AS "toUserId", override_reason AS "overrideReason", requestor_user_id AS "requestorUserId",
  approval_status AS "approvalStatus", approved_by AS "approvedBy", approved_at AS "approvedAt",
  to_char(effective_date, 'YYYY-MM-DD') AS "effectiveDate", to_char(expiry_date, 'YYYY-MM-DD') AS "expiryDate"`;

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
  async insert(manager: EntityManager, row: Omit<OverrideRow, 'id' | 'approvalStatus' | 'approvedBy' | 'approvedAt'>): Promise<OverrideRow> {
    const inserted = (await manager.query(
      `INSERT INTO approver_overrides (workspace_id, override_type, workflow_stage_id, submission_id, cluster_code, region, approval_role_id,
         role_code, from_user_id, to_user_id, override_reason, requestor_user_id, created_by, effective_date, expiry_date)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12,$13,$14) RETURNING ${COLUMNS}`,
      [
        row.workspaceId, row.overrideType, row.workflowStageId, row.submissionId, row.clusterCode, row.region, row.approvalRoleId, row.roleCode,
        row.fromUserId, row.toUserId, row.overrideReason, row.requestorUserId, row.effectiveDate, row.expiryDate,
      ],
    )) as OverrideRow[];
    return inserted[0];
  }

  async lock(manager: EntityManager, workspaceId: string, id: string): Promise<OverrideRow | null> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM approver_overrides WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [workspaceId, id])) as OverrideRow[];
    return rows[0] ?? null;
  }

  async decide(manager: EntityManager, id: string, status: 'APPROVED' | 'REJECTED', by: string, at: Date): Promise<OverrideRow> {
    const result = (await manager.query(
      `UPDATE approver_overrides SET approval_status = $2, approved_by = $3, approved_at = $4, updated_at = now()
       WHERE id = $1 AND approval_status = 'PENDING' RETURNING ${COLUMNS}`,
      [id, status, by, at],
    )) as [OverrideRow[], number];
    return result[0][0];
  }

  /** APPROVED, active overrides of the workspace in the routing library's shape (dates are checked there). */
  async approvedForRouting(manager: EntityManager, workspaceId: string, roleCode?: string): Promise<ApproverOverride[]> {
    const rows = (await manager.query(
      `SELECT ${COLUMNS} FROM approver_overrides
       WHERE workspace_id = $1 AND approval_status = 'APPROVED' AND is_active AND ($2::text IS NULL OR role_code = $2)`,
      [workspaceId, roleCode ?? null],
    )) as OverrideRow[];
    return rows.map(toRoutingOverride);
  }
}
