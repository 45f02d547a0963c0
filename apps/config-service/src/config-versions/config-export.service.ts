import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import type { SourceType } from '@atp/approval-routing';
import { SheetLayouts } from '../import/sheet-layouts';
import { ConfigVersionsRepository } from './config-versions.repository';

/** Queries that produce each sheet in the template's columns, so an exported version re-imports as is. */
const EXPORT_QUERIES: Record<string, string> = {
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

function addLayoutSheets(workbook: ExcelJS.Workbook, sourceType: SourceType): void {
  for (const layout of SheetLayouts[sourceType]) {
    const sheet = workbook.addWorksheet(layout.sheet);
    sheet.addRow(layout.columns.map((c) => c.name)).font = { bold: true };
  }
}

/** XLSX export of a version and the documented, empty template per source type. */
@Injectable()
export class ConfigExportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: ConfigVersionsRepository,
  ) {}

  async template(sourceType: SourceType): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    addLayoutSheets(workbook, sourceType);
    const readme = workbook.addWorksheet('readme');
    readme.addRow(['sheet', 'column', 'required', 'meaning']).font = { bold: true };
    for (const layout of SheetLayouts[sourceType]) {
      for (const column of layout.columns) readme.addRow([layout.sheet, column.name, column.required ? 'yes' : 'no', column.help]);
    }
    readme.addRow([]);
    readme.addRow(['CSV', '', '', 'A CSV file carries the same sheets as sections: a line [sheet_name], then the header line, then rows.']);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  async export(workspaceId: string, versionId: string): Promise<{ fileName: string; content: Buffer }> {
    const manager = this.dataSource.manager;
    const version = await this.versions.find(manager, workspaceId, versionId);
    const workbook = new ExcelJS.Workbook();
    for (const layout of SheetLayouts[version.sourceType]) {
      const sheet = workbook.addWorksheet(layout.sheet);
      const columns = layout.columns.map((c) => c.name);
      sheet.addRow(columns).font = { bold: true };
      const rows = (await manager.query(EXPORT_QUERIES[layout.sheet], [versionId])) as Array<Record<string, unknown>>;
      for (const row of rows) sheet.addRow(columns.map((c) => (row[c] === null || row[c] === undefined ? null : typeof row[c] === 'boolean' ? String(row[c]) : row[c])));
    }
    return {
      fileName: `${version.sourceType.toLowerCase()}-v${version.versionNumber}.xlsx`,
      content: Buffer.from(await workbook.xlsx.writeBuffer()),
    };
  }
}
