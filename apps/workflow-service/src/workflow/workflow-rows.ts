import type { StageRefV1 } from '@atp/contracts';
import type { StageStatus, WorkflowStatus } from './state-machine';

/** A workflow_instances row as the service reads it (snake_case columns → camelCase). */
export interface InstanceRow {
  id: string;
  workspaceId: string;
  submissionId: string;
  attemptNumber: number;
  status: WorkflowStatus;
  currentStageNumber: number | null;
  totalStages: number;
  submittedBy: string;
  heldAt: Date | null;
  routingSnapshot: FrozenRouting;
}

export interface StageRow {
  id: string;
  workspaceId: string;
  workflowInstanceId: string;
  stageNumber: number;
  stageName: string;
  approvalRoleId: string;
  roleCode: string;
  isParallel: boolean;
  parallelGroup: string | null;
  approverUserId: string | null;
  backupUserId: string | null;
  status: StageStatus;
  slaHours: number;
  slaDueAt: Date | null;
  slaBreachedAt: Date | null;
  decision: string | null;
  isRequired: boolean;
}

/**
 * What `routing_snapshot` freezes: the resolver's whole answer plus the request it answered, so an
 * auditor can see why each approver was chosen, and the location used for CLUSTER/REGION overrides.
 */
export interface FrozenRouting {
  request: {
    scopeCode: string;
    vendorCode: string | null;
    atpCategory: string;
    siteCode: string;
    clusterCode: string | null;
    region: string | null;
    asOf: string;
  };
  pinnedConfigVersions: { approvalMatrix: string; clusterMapping: string; scopeConfig: string };
  plan: unknown;
}

export const INSTANCE_COLUMNS = `id, workspace_id AS "workspaceId", submission_id AS "submissionId", attempt_number AS "attemptNumber",
  status, current_stage_number AS "currentStageNumber", total_stages AS "totalStages", submitted_by AS "submittedBy",
  held_at AS "heldAt", routing_snapshot AS "routingSnapshot"`;

export const STAGE_COLUMNS = `id, workspace_id AS "workspaceId", workflow_instance_id AS "workflowInstanceId", stage_number AS "stageNumber",
  stage_name AS "stageName", approval_role_id AS "approvalRoleId", role_code AS "roleCode", is_parallel AS "isParallel",
  parallel_group AS "parallelGroup", approver_user_id AS "approverUserId", backup_user_id AS "backupUserId", status,
  sla_hours AS "slaHours", sla_due_at AS "slaDueAt", sla_breached_at AS "slaBreachedAt", decision, is_required AS "isRequired"`;

export function stageRef(instance: Pick<InstanceRow, 'id' | 'submissionId'>, stage: StageRow): StageRefV1 {
  return {
    workflowInstanceId: instance.id,
    submissionId: instance.submissionId,
    stageId: stage.id,
    stageNumber: stage.stageNumber,
    stageName: stage.stageName,
    approvalRoleId: stage.approvalRoleId,
    roleCode: stage.roleCode,
    parallelGroup: stage.parallelGroup,
    approverUserId: stage.approverUserId,
  };
}
