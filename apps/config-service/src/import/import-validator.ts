import type { SourceType } from '@atp/approval-routing';
import { validateApprovalMatrix } from './approval-matrix.validator';
import { validateClusterMapping } from './cluster-mapping.validator';
import { buildReport, type Finding, type ValidationReport } from './findings';
import { encodingFindings } from './import-hints';
import type { ImportContext, MasterRowSet } from './master-rows';
import { validateScopeConfig } from './scope-config.validator';
import type { Sheet } from './sheet';
import { SheetLayouts } from './sheet-layouts';

const validators: Record<SourceType, (sheets: Sheet[], context: ImportContext, findings: Finding[]) => MasterRowSet> = {
  APPROVAL_MATRIX: validateApprovalMatrix,
  CLUSTER_MAPPING: validateClusterMapping,
  SCOPE_CONFIG: validateScopeConfig,
};

/**
 * Sheets that must hold at least one row for a version to mean anything (#1): a matrix without roles, policies
 * or stages would replace the whole matrix and send every submission to the built-in chains.
 */
const MINIMUM_CONTENT: Record<SourceType, string[]> = {
  APPROVAL_MATRIX: ['roles', 'policies', 'stages'],
  CLUSTER_MAPPING: ['clusters', 'cluster_approvers'],
  SCOPE_CONFIG: ['scopes'],
};

/** Pure: parsed sheets + reference context → rows to insert and the validation report. */
export function validateImport(
  sourceType: SourceType,
  sheets: Sheet[],
  context: ImportContext,
): { rows: MasterRowSet; report: ValidationReport } {
  const findings: Finding[] = encodingFindings(sheets);
  const rows = validators[sourceType](sheets, context, findings);
  // Only the layout's sheets hold data: the template's readme (or any other sheet) is not counted (#14).
  const dataSheets = sheets.filter((sheet) => SheetLayouts[sourceType].some((layout) => layout.sheet === sheet.name));
  const rowCount = dataSheets.reduce((sum, sheet) => sum + sheet.rows.length, 0);
  if (rowCount === 0) {
    findings.push({
      sheet: '*',
      row: 0,
      column: null,
      code: 'EMPTY_FILE',
      message: 'the file holds no data rows',
      severity: 'ERROR',
    });
  } else {
    for (const name of MINIMUM_CONTENT[sourceType]) {
      const sheet = dataSheets.find((s) => s.name === name);
      if (sheet && sheet.rows.length === 0) {
        findings.push({
          sheet: name,
          row: 0,
          column: null,
          code: 'SHEET_EMPTY',
          severity: 'ERROR',
          message: `sheet "${name}" has no rows: a ${sourceType} needs at least one row in ${MINIMUM_CONTENT[sourceType].join(', ')}`,
        });
      }
    }
  }
  return { rows, report: buildReport(findings, rowCount) };
}
