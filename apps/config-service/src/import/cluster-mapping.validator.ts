import { canonicalRoleCode, normaliseCode } from '@atp/approval-routing';
import type { Finding } from './findings';
import type { ImportContext, MasterRow, MasterRowSet } from './master-rows';
import { RowReader } from './row-reader';
import { locateSheets } from './sheet-presence';
import { SheetLayouts } from './sheet-layouts';
import type { Sheet } from './sheet';

function resolveUser(r: RowReader, column: string, context: ImportContext, required: boolean): string | null {
  const raw = required ? r.requiredText(column, 255) : r.text(column, 255);
  if (!raw) return null;
  const id = context.userIdsByKey.get(raw) ?? context.userIdsByKey.get(raw.toLowerCase());
  if (!id) r.error(column, 'UNKNOWN_USER', `${column} "${raw}" is not a known user id or e-mail`);
  return id ?? null;
}

/**
 * CLUSTER_MAPPING = clusters and their approvers (domain §1.3 items 7–8). Scopes come from the ACTIVE
 * SCOPE_CONFIG, roles from the ACTIVE APPROVAL_MATRIX, users from the directory (id or e-mail).
 */
export function validateClusterMapping(sheets: Sheet[], context: ImportContext, findings: Finding[]): MasterRowSet {
  const located = locateSheets(sheets, SheetLayouts.CLUSTER_MAPPING, findings);
  const { workspaceId, configVersionId, newId } = context;
  const clusters: MasterRow[] = [];
  const clusterIds = new Map<string, string | null>();
  for (const row of located.get('clusters')?.rows ?? []) {
    const r = new RowReader('clusters', row, findings);
    const code = r.requiredText('cluster_code', 120).toUpperCase();
    if (code && clusterIds.has(code)) r.error('cluster_code', 'DUPLICATE', `cluster ${code} appears twice`);
    const scopeCode = normaliseCode(r.requiredText('scope_code', 50));
    const scopeId = scopeCode ? context.scopeIdsByCode.get(scopeCode) : undefined;
    if (scopeCode && !scopeId)
      r.error('scope_code', 'UNKNOWN_SCOPE', `scope ${scopeCode} is not in the ACTIVE SCOPE_CONFIG`);
    const mSequence = r.text('m_sequence', 10)?.toUpperCase() ?? null;
    if (mSequence && !/^M([1-9]|10)$/.test(mSequence))
      r.error('m_sequence', 'INVALID_VALUE', 'm_sequence must be M1..M10');
    const record: MasterRow = {
      id: newId(),
      workspace_id: workspaceId,
      config_version_id: configVersionId,
      scope_id: scopeId ?? null,
      cluster_code: code,
      region_name: r.requiredText('region_name', 100),
      region_code: r.text('region_code', 10),
      island_code: r.text('island_code', 10),
      city_code: r.text('city_code', 10),
      province_name: r.text('province_name', 100),
      city_name: r.text('city_name', 100),
      m_sequence: mSequence,
      site_count: r.int('site_count', { min: 0, fallback: 0 }),
      source_sheet: 'clusters',
      source_row_number: row.rowNumber,
    };
    if (code && !clusterIds.has(code)) clusterIds.set(code, r.hasErrors ? null : (record.id as string));
    if (!r.hasErrors) clusters.push(record);
  }
  const approvers: MasterRow[] = [];
  const approverKeys = new Set<string>();
  for (const row of located.get('cluster_approvers')?.rows ?? []) {
    const r = new RowReader('cluster_approvers', row, findings);
    const clusterCode = r.requiredText('cluster_code', 120).toUpperCase();
    const clusterId = clusterIds.get(clusterCode);
    if (clusterCode && clusterId === undefined)
      r.error('cluster_code', 'UNKNOWN_CLUSTER', `cluster ${clusterCode} is not in the clusters sheet`);
    const rawRole = r.requiredText('role_code', 50);
    const roleCode = rawRole ? canonicalRoleCode(rawRole) : '';
    const roleId = roleCode ? context.roleIdsByCode.get(roleCode) : undefined;
    if (roleCode && !roleId)
      r.error('role_code', 'UNKNOWN_ROLE', `role ${roleCode} is not in the ACTIVE APPROVAL_MATRIX`);
    const key = `${clusterCode}|${roleCode}`;
    if (approverKeys.has(key)) r.error('role_code', 'DUPLICATE', `cluster ${clusterCode} has role ${roleCode} twice`);
    approverKeys.add(key);
    const primary = resolveUser(r, 'primary_user', context, true);
    const backup = resolveUser(r, 'backup_user', context, false);
    if (primary && backup && primary === backup)
      r.error('backup_user', 'SAME_AS_PRIMARY', 'backup_user must differ from primary_user');
    const from = r.date('effective_from');
    const to = r.date('effective_to');
    if (from && to && to <= from) r.error('effective_to', 'INVALID_RANGE', 'effective_to must be after effective_from');
    const record: MasterRow = {
      id: newId(),
      workspace_id: workspaceId,
      config_version_id: configVersionId,
      cluster_id: clusterId ?? null,
      approval_role_id: roleId ?? null,
      primary_user_id: primary,
      backup_user_id: backup,
      effective_from: from,
      effective_to: to,
      assignment_notes: r.text('assignment_notes', 1000),
      source_reference: `cluster_approvers row ${row.rowNumber}`,
    };
    if (!r.hasErrors && clusterId) approvers.push(record);
  }
  warnClusterRoleGaps(clusters, approverKeys, context, findings);
  return { cluster_master: clusters, cluster_approver_master: approvers };
}

/**
 * #24: a cluster without an approver for a role the ACTIVE matrix assigns by cluster would start every such
 * stage UNASSIGNED for its sites. One WARNING per cluster × role, on the cluster's row.
 */
function warnClusterRoleGaps(
  clusters: MasterRow[],
  approverKeys: Set<string>,
  context: ImportContext,
  findings: Finding[],
): void {
  const needed = [...(context.clusterRolesOfActiveMatrix ?? [])].sort();
  for (const cluster of clusters) {
    for (const roleCode of needed) {
      if (approverKeys.has(`${cluster.cluster_code}|${roleCode}`)) continue;
      findings.push({
        sheet: 'clusters',
        row: Number(cluster.source_row_number),
        column: 'cluster_code',
        code: 'CLUSTER_ROLE_WITHOUT_APPROVER',
        severity: 'WARNING',
        message: `cluster ${cluster.cluster_code} has no approver for role ${roleCode}, which the ACTIVE APPROVAL_MATRIX assigns by cluster: such stages would start unassigned`,
      });
    }
  }
}
