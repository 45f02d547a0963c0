import type { SourceType } from '@atp/approval-routing';

export interface ColumnLayout {
  name: string;
  required: boolean;
  /** What the template's documentation row tells the user. */
  help: string;
}

export interface SheetLayout {
  sheet: string;
  columns: ColumnLayout[];
}

const col = (name: string, required: boolean, help: string): ColumnLayout => ({ name, required, help });

/**
 * The documented workbook layout per source type: the template download, the export and the validators
 * all read this one table, so they cannot disagree.
 */
export const SheetLayouts: Readonly<Record<SourceType, SheetLayout[]>> = {
  APPROVAL_MATRIX: [
    {
      sheet: 'roles',
      columns: [
        col(
          'role_code',
          true,
          'BO, SME, HEAD_NOC, FOP_RTS, REGION_TEAM, RTH, ROH, PMO… (legacy NOC_HEAD, RTH_HEAD, RTS_FOP accepted)',
        ),
        col('role_name', true, 'display name'),
        col('hierarchy_order', true, 'integer ≥ 1, 1 = first in the chain'),
        col('stage_group', false, 'REVIEW | SIGN | VALIDATION | FINAL'),
        col('is_final_approver', false, 'true/false (default false)'),
        col('can_approve_parallel', false, 'true/false (default false)'),
        col('role_description', false, 'free text'),
      ],
    },
    {
      sheet: 'policies',
      columns: [
        col('policy_key', true, 'unique key of the row inside this file; stages refer to it'),
        col('scope_code', true, 'scope of the ACTIVE SCOPE_CONFIG'),
        col('vendor_code', false, 'vendor of the ACTIVE SCOPE_CONFIG; empty = any vendor'),
        col(
          'atp_category',
          true,
          'RAN_MW | PLN_UPGRADE | DISMANTLE_DROP | DISMANTLE_KEEP | SOFTWARE_LICENSE (legacy HARDWARE, SOFTWARE, BOTH accepted)',
        ),
        col('fallback_priority', false, 'integer ≥ 0 (0 exact, 1 any vendor, 2 broader)'),
        col('policy_version', false, 'e.g. v1.0'),
        col('policy_name', false, 'display name'),
        col('parent_policy_key', false, 'policy_key of the policy this one falls back to'),
        col('effective_date', false, 'YYYY-MM-DD'),
        col('expiry_date', false, 'YYYY-MM-DD, empty = open'),
      ],
    },
    {
      sheet: 'stages',
      columns: [
        col('policy_key', true, 'policy_key of the policies sheet'),
        col('stage_number', true, 'integer ≥ 1; parallel stages share the number'),
        col('stage_name', true, 'e.g. RTH_REVIEW'),
        col('role_code', true, 'role_code of the roles sheet'),
        col('sequence_order', true, 'integer ≥ 1'),
        col('sla_hours', false, 'integer ≥ 1 (default: 24 for HEAD_NOC/RTH, else 48)'),
        col('stage_group', false, 'REVIEW | SIGN | VALIDATION | FINAL'),
        col('assignment_mode', false, 'CLUSTER (default) | STATIC_USER | RULE | AUTO'),
        col(
          'auto_assign_rule',
          false,
          'JSON: STATIC_USER {"userId"}; RULE {"strategy":"ROUND_ROBIN"|"LEAST_LOADED","pool":[ids]}',
        ),
        col('is_required', false, 'true/false (default true)'),
        col('is_parallel', false, 'true/false (default false)'),
        col('parallel_group', false, 'A, B, C… for parallel stages'),
      ],
    },
  ],
  CLUSTER_MAPPING: [
    {
      sheet: 'clusters',
      columns: [
        col('cluster_code', true, 'unique cluster code; sites refer to it'),
        col('scope_code', true, 'scope of the ACTIVE SCOPE_CONFIG'),
        col('region_name', true, 'region name'),
        col('region_code', false, 'up to 10 characters'),
        col('island_code', false, 'up to 10 characters'),
        col('city_code', false, 'up to 10 characters'),
        col('province_name', false, ''),
        col('city_name', false, ''),
        col('m_sequence', false, 'M1..M10'),
        col('site_count', false, 'integer ≥ 0'),
      ],
    },
    {
      sheet: 'cluster_approvers',
      columns: [
        col('cluster_code', true, 'cluster_code of the clusters sheet'),
        col('role_code', true, 'role of the ACTIVE APPROVAL_MATRIX'),
        col('primary_user', true, 'user id or e-mail'),
        col('backup_user', false, 'user id or e-mail'),
        col('effective_from', false, 'YYYY-MM-DD'),
        col('effective_to', false, 'YYYY-MM-DD, empty = open'),
        col('assignment_notes', false, ''),
      ],
    },
  ],
  SCOPE_CONFIG: [
    {
      sheet: 'scopes',
      columns: [
        col('scope_code', true, 'unique scope code'),
        col('scope_name', true, ''),
        col('scope_group', true, 'MICROWAVE | RAN | CME | PLN'),
        col('category_code', false, 'UPGRADE | DISMANTLE | NEW | RELOCATION'),
        col('atp_type', false, 'HARDWARE | SOFTWARE | BOTH (default BOTH)'),
        col('default_template_code', false, 'ATP_HARDWARE | ATP_SOFTWARE | ATP_COMBINED'),
        col('requires_cluster', false, 'true/false (default true)'),
        col('description', false, ''),
      ],
    },
    {
      sheet: 'vendors',
      columns: [
        col('vendor_code', true, 'unique vendor code (ZTE, HTI, AVIAT, …)'),
        col('vendor_name', true, ''),
        col('vendor_type', true, 'OEM | SUBCONTRACTOR | TOWER_PROVIDER | PLATFORM_OWNER | OTHER'),
        col('contact_person', false, ''),
        col('contact_email', false, ''),
        col('contact_phone', false, ''),
      ],
    },
  ],
};
