import type { EntityManager } from 'typeorm';
import type { SourceType } from '@atp/approval-routing';
import type { Sheet } from '../import/sheet';
import { SheetLayouts } from '../import/sheet-layouts';

/** Queries that produce each sheet in the template's columns, so an exported version re-imports as is. */
export const EXPORT_QUERIES: Record<string, string> = {
  roles: `SELECT role_code, role_name, hierarchy_order, stage_group, is_final_approver, can_approve_parallel, role_description
          FROM approval_role_master WHERE config_version_id = $1 ORDER BY hierarchy_order, role_code`,
  policies: `SELECT p.id AS policy_key, s.scope_code, v.vendor_code, p.atp_category, p.fallback_priority, p.policy_version, p.policy_name,
               p.parent_policy_id AS parent_policy_key, to_char(p.effective_date, 'YYYY-MM-DD') AS effective_date, to_char(p.expiry_date, 'YYYY-MM-DD') AS expiry_date
             FROM approval_policy_master p JOIN atp_scope_master s ON s.id = p.scope_id LEFT JOIN vendor_master v ON v.id = p.vendor_id
             WHERE p.config_version_id = $1 ORDER BY s.scope_code, p.atp_category, v.vendor_code NULLS LAST`,
  stages: `SELECT st.policy_id AS policy_key, st.stage_number, st.stage_name, r.role_code, st.sequence_order, st.sla_hours, st.stage_group,
             st.assignment_mode, st.auto_assign_rule::text AS auto_assign_rule, st.is_required, st.is_parallel, st.parallel_group
           FROM approval_policy_stages st JOIN approval_role_master r ON r.id = st.approval_role_id
           WHERE st.config_version_id = $1 ORDER BY st.policy_id, st.sequence_order`,
  clusters: `SELECT c.cluster_code, s.scope_code, c.region_name, c.region_code, c.island_code, c.city_code, c.province_name, c.city_name, c.m_sequence, c.site_count
             FROM cluster_master c JOIN atp_scope_master s ON s.id = c.scope_id WHERE c.config_version_id = $1 ORDER BY c.cluster_code`,
  cluster_approvers: `SELECT c.cluster_code, r.role_code, a.primary_user_id AS primary_user, a.backup_user_id AS backup_user,
                        to_char(a.effective_from, 'YYYY-MM-DD') AS effective_from, to_char(a.effective_to, 'YYYY-MM-DD') AS effective_to, a.assignment_notes
                      FROM cluster_approver_master a JOIN cluster_master c ON c.id = a.cluster_id JOIN approval_role_master r ON r.id = a.approval_role_id
                      WHERE a.config_version_id = $1 ORDER BY c.cluster_code, r.role_code`,
  scopes: `SELECT scope_code, scope_name, scope_group, category_code, atp_type, default_template_code, requires_cluster, description
           FROM atp_scope_master WHERE config_version_id = $1 ORDER BY scope_code`,
  vendors: `SELECT vendor_code, vendor_name, vendor_type, contact_person, contact_email, contact_phone FROM vendor_master WHERE config_version_id = $1 ORDER BY vendor_code`,
};

/**
 * A stored version as the sheets its import would have produced (the export's rows, cells as text), so the
 * import validator can check an edited DRAFT with exactly the rules of an import.
 */
export async function readVersionSheets(
  manager: EntityManager,
  sourceType: SourceType,
  versionId: string,
): Promise<Sheet[]> {
  const sheets: Sheet[] = [];
  for (const layout of SheetLayouts[sourceType]) {
    const columns = layout.columns.map((c) => c.name);
    const rows = (await manager.query(EXPORT_QUERIES[layout.sheet] as string, [versionId])) as Array<
      Record<string, unknown>
    >;
    sheets.push({
      name: layout.sheet,
      columns,
      rows: rows.map((row, i) => ({
        rowNumber: i + 2,
        cells: Object.fromEntries(
          columns.map((c) => [c, row[c] === null || row[c] === undefined ? '' : String(row[c])]),
        ),
      })),
    });
  }
  return sheets;
}
