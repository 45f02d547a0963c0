import type { MasterTable } from '../import/master-rows';

/**
 * The columns a master row may carry, per table: the only identifiers an INSERT of master rows puts
 * into SQL text (row keys are checked against this list, never quoted into the statement as they come).
 */
export const MASTER_COLUMNS: Readonly<Record<MasterTable, readonly string[]>> = {
  atp_scope_master: [
    'id', 'workspace_id', 'config_version_id', 'scope_code', 'scope_name', 'scope_group', 'category_code', 'atp_type',
    'default_template_code', 'requires_cluster', 'default_workflow_stage', 'sla_policy_id', 'is_active', 'effective_date',
    'expiry_date', 'description', 'created_by', 'updated_by',
  ],
  vendor_master: [
    'id', 'workspace_id', 'config_version_id', 'vendor_code', 'vendor_name', 'vendor_type', 'contact_person', 'contact_email',
    'contact_phone', 'is_active', 'effective_date', 'expiry_date',
  ],
  approval_role_master: [
    'id', 'workspace_id', 'config_version_id', 'role_code', 'role_name', 'role_description', 'hierarchy_order', 'stage_group',
    'is_final_approver', 'can_approve_parallel', 'is_active', 'effective_date', 'expiry_date',
  ],
  approval_policy_master: [
    'id', 'workspace_id', 'config_version_id', 'scope_id', 'vendor_id', 'atp_category', 'fallback_priority', 'parent_policy_id',
    'policy_version', 'policy_name', 'description', 'is_active', 'effective_date', 'expiry_date',
  ],
  approval_policy_stages: [
    'id', 'workspace_id', 'policy_id', 'config_version_id', 'stage_number', 'stage_name', 'stage_group', 'approval_role_id',
    'is_required', 'is_parallel', 'parallel_group', 'sla_hours', 'sla_days', 'assignment_mode', 'auto_assign_rule',
    'notification_on_assign', 'notification_on_approve', 'notification_on_reject', 'sequence_order', 'is_active',
  ],
  cluster_master: [
    'id', 'workspace_id', 'config_version_id', 'scope_id', 'island_code', 'region_code', 'city_code', 'region_name',
    'province_name', 'city_name', 'cluster_code', 'm_sequence', 'site_count', 'source_sheet', 'source_row_number', 'is_active',
  ],
  cluster_approver_master: [
    'id', 'workspace_id', 'cluster_id', 'config_version_id', 'approval_role_id', 'primary_user_id', 'backup_user_id',
    'assignment_notes', 'source_reference', 'is_active', 'effective_from', 'effective_to',
  ],
};

/** The allowed columns the rows use, in the list's order; a key outside the list is a programming error. */
export function insertColumnsOf(table: MasterTable, rows: ReadonlyArray<Record<string, unknown>>): readonly string[] {
  const allowed = MASTER_COLUMNS[table];
  const used = new Set(rows.flatMap((row) => Object.keys(row)));
  const unknown = [...used].filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new Error(`${table} has no column(s) ${unknown.join(', ')}`);
  return allowed.filter((column) => used.has(column));
}
