import type { SourceType } from '@atp/approval-routing';
import { csvOf } from './csv-writer';
import { APPROVAL_ROLES, approverId, CHAINS, POLICIES, REGIONS, SCOPES, VENDORS } from './demo-workspace.data';

/**
 * The three configuration files of the demo workspace, as `npm start` seeds them (and the routing sweep test imports).
 */
export function demoConfigFiles(): Record<SourceType, Buffer> {
  return {
    SCOPE_CONFIG: csvOf({
      scopes: SCOPES,
      vendors: VENDORS.map(([vendor_code, vendor_name, vendor_type]) => ({ vendor_code, vendor_name, vendor_type })),
    }),
    APPROVAL_MATRIX: csvOf({
      roles: APPROVAL_ROLES.map(([role_code, role_name, hierarchy_order, stage_group, is_final_approver]) => ({
        role_code,
        role_name,
        hierarchy_order,
        stage_group,
        is_final_approver,
      })),
      policies: POLICIES.map(([scope, vendor, category], i) => ({
        policy_key: `P${i + 1}`,
        scope_code: scope,
        vendor_code: vendor ?? '',
        atp_category: category,
        fallback_priority: vendor ? 0 : 1,
        policy_name: `${scope} ${vendor ?? 'any vendor'} ${category}`,
      })),
      stages: POLICIES.flatMap(([, , category], i) =>
        CHAINS[category].map(({ roleCode: role, stageName, slaHours: sla }, s) => ({
          policy_key: `P${i + 1}`,
          stage_number: s + 1,
          stage_name: stageName,
          role_code: role,
          sequence_order: s + 1,
          sla_hours: sla,
        })),
      ),
    }),
    CLUSTER_MAPPING: csvOf({
      clusters: REGIONS.flatMap((region) =>
        region.clusters.map((cluster, i) => ({
          cluster_code: cluster,
          scope_code: 'MW_NEW',
          region_name: region.name,
          region_code: region.code,
          m_sequence: `M${i + 1}`,
        })),
      ),
      cluster_approvers: REGIONS.flatMap((region) =>
        region.clusters.flatMap((cluster) =>
          APPROVAL_ROLES.map(([role]) => ({
            cluster_code: cluster,
            role_code: role,
            primary_user: approverId(role, region.code, false),
            backup_user: approverId(role, region.code, true),
          })),
        ),
      ),
    }),
  };
}
