import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ApprovalMatrixSnapshot,
  ClusterMappingSnapshot,
  ConfigSnapshot,
  ScopeConfigSnapshot,
} from '@atp/approval-routing';
import type { ConfigVersionRecord } from './config-version.record';

/**
 * Builds the `ConfigSnapshot` of `@atp/approval-routing` from the tables: the payload of the snapshot event,
 * the input of the dry-run resolver, and the two sides of a diff. Codes are joined in so consumers can match
 * across independently versioned source types.
 */
@Injectable()
export class SnapshotReader {
  async read(manager: EntityManager, version: ConfigVersionRecord): Promise<ConfigSnapshot> {
    const header = {
      configVersionId: version.id,
      workspaceId: version.workspaceId,
      versionNumber: version.versionNumber,
    };
    const id = version.id;
    switch (version.sourceType) {
      case 'APPROVAL_MATRIX': {
        const snapshot: ApprovalMatrixSnapshot = {
          ...header,
          sourceType: 'APPROVAL_MATRIX',
          roles: await manager.query(
            `SELECT id, role_code AS "roleCode", role_name AS "roleName", hierarchy_order AS "hierarchyOrder", stage_group AS "stageGroup",
               is_final_approver AS "isFinalApprover", can_approve_parallel AS "canApproveParallel", is_active AS "isActive"
             FROM approval_role_master WHERE config_version_id = $1 ORDER BY hierarchy_order, role_code`,
            [id],
          ),
          policies: await manager.query(
            `SELECT p.id, p.scope_id AS "scopeId", s.scope_code AS "scopeCode", p.vendor_id AS "vendorId", v.vendor_code AS "vendorCode",
               p.atp_category AS "atpCategory", p.fallback_priority AS "fallbackPriority", p.parent_policy_id AS "parentPolicyId",
               p.policy_version AS "policyVersion", p.policy_name AS "policyName", p.is_active AS "isActive",
               to_char(p.effective_date, 'YYYY-MM-DD') AS "effectiveDate", to_char(p.expiry_date, 'YYYY-MM-DD') AS "expiryDate"
             FROM approval_policy_master p JOIN atp_scope_master s ON s.id = p.scope_id LEFT JOIN vendor_master v ON v.id = p.vendor_id
             WHERE p.config_version_id = $1 ORDER BY s.scope_code, p.atp_category, v.vendor_code NULLS LAST, p.id`,
            [id],
          ),
          policyStages: await manager.query(
            `SELECT st.id, st.policy_id AS "policyId", st.stage_number AS "stageNumber", st.stage_name AS "stageName", st.stage_group AS "stageGroup",
               st.approval_role_id AS "approvalRoleId", r.role_code AS "roleCode", st.is_required AS "isRequired", st.is_parallel AS "isParallel",
               st.parallel_group AS "parallelGroup", st.sla_hours AS "slaHours", st.assignment_mode AS "assignmentMode",
               st.auto_assign_rule AS "autoAssignRule", st.sequence_order AS "sequenceOrder", st.is_active AS "isActive"
             FROM approval_policy_stages st JOIN approval_role_master r ON r.id = st.approval_role_id
             WHERE st.config_version_id = $1 ORDER BY st.policy_id, st.sequence_order, st.parallel_group NULLS FIRST`,
            [id],
          ),
        };
        return snapshot;
      }
      case 'CLUSTER_MAPPING': {
        const snapshot: ClusterMappingSnapshot = {
          ...header,
          sourceType: 'CLUSTER_MAPPING',
          clusters: await manager.query(
            `SELECT c.id, c.scope_id AS "scopeId", s.scope_code AS "scopeCode", c.region_code AS "regionCode", c.region_name AS "regionName",
               c.cluster_code AS "clusterCode", c.is_active AS "isActive"
             FROM cluster_master c JOIN atp_scope_master s ON s.id = c.scope_id WHERE c.config_version_id = $1 ORDER BY c.cluster_code`,
            [id],
          ),
          clusterApprovers: await manager.query(
            `SELECT a.id, a.cluster_id AS "clusterId", c.cluster_code AS "clusterCode", a.approval_role_id AS "approvalRoleId", r.role_code AS "roleCode",
               a.primary_user_id AS "primaryUserId", a.backup_user_id AS "backupUserId", a.is_active AS "isActive",
               to_char(a.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(a.effective_to, 'YYYY-MM-DD') AS "effectiveTo"
             FROM cluster_approver_master a JOIN cluster_master c ON c.id = a.cluster_id JOIN approval_role_master r ON r.id = a.approval_role_id
             WHERE a.config_version_id = $1 ORDER BY c.cluster_code, r.role_code`,
            [id],
          ),
        };
        return snapshot;
      }
      case 'SCOPE_CONFIG': {
        const snapshot: ScopeConfigSnapshot = {
          ...header,
          sourceType: 'SCOPE_CONFIG',
          scopes: await manager.query(
            `SELECT id, scope_code AS "scopeCode", scope_name AS "scopeName", scope_group AS "scopeGroup", category_code AS "categoryCode",
               atp_type AS "atpType", default_template_code AS "defaultTemplateCode", requires_cluster AS "requiresCluster", is_active AS "isActive"
             FROM atp_scope_master WHERE config_version_id = $1 ORDER BY scope_code`,
            [id],
          ),
          vendors: await manager.query(
            `SELECT id, vendor_code AS "vendorCode", vendor_name AS "vendorName", vendor_type AS "vendorType", is_active AS "isActive"
             FROM vendor_master WHERE config_version_id = $1 ORDER BY vendor_code`,
            [id],
          ),
        };
        return snapshot;
      }
    }
  }
}
