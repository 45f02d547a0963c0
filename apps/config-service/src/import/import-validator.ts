import type { SourceType } from '@atp/approval-routing';
import { validateApprovalMatrix } from './approval-matrix.validator';
import { validateClusterMapping } from './cluster-mapping.validator';
import { buildReport, type Finding, type ValidationReport } from './findings';
import type { ImportContext, MasterRowSet } from './master-rows';
import { validateScopeConfig } from './scope-config.validator';
import type { Sheet } from './sheet';

const validators: Record<SourceType, (sheets: Sheet[], context: ImportContext, findings: Finding[]) => MasterRowSet> = {
  APPROVAL_MATRIX: validateApprovalMatrix,
  CLUSTER_MAPPING: validateClusterMapping,
  SCOPE_CONFIG: validateScopeConfig,
};

/** Pure: parsed sheets + reference context → rows to insert and the validation report. */
export function validateImport(sourceType: SourceType, sheets: Sheet[], context: ImportContext): { rows: MasterRowSet; report: ValidationReport } {
  const findings: Finding[] = [];
  const rows = validators[sourceType](sheets, context, findings);
  const rowCount = sheets.reduce((sum, sheet) => sum + sheet.rows.length, 0);
  if (rowCount === 0) findings.push({ sheet: '*', row: 0, column: null, code: 'EMPTY_FILE', message: 'the file holds no data rows', severity: 'ERROR' });
  return { rows, report: buildReport(findings, rowCount) };
}
