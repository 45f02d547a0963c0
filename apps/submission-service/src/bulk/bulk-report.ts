/**
 * The per-row report of a bulk registration, in the shape of config-service's import report
 * (`Finding`: sheet, row, column, code, message, severity) so a client reads both the same way.
 */
export interface Finding {
  sheet: string;
  /** Spreadsheet row number (1 = header row) or CSV line number; 0 for the manifest as a whole. */
  row: number;
  column: string | null;
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING';
}

export interface BulkRowOutcome {
  row: number;
  fileName: string;
  status: 'CREATED' | 'FAILED';
  submissionId: string | null;
  documentId: string | null;
}

/** RUNNING until the last row; then whether every, some or no row became a submission. */
export type BulkReportStatus = 'RUNNING' | 'ALL_CREATED' | 'PARTIAL' | 'NONE_CREATED';

export interface BulkReport {
  status: BulkReportStatus;
  rowCount: number;
  rows: BulkRowOutcome[];
  errors: Finding[];
  warnings: Finding[];
}

export function newBulkReport(rowCount: number, warnings: Finding[]): BulkReport {
  return { status: 'RUNNING', rowCount, rows: [], errors: [], warnings };
}

export function finalStatus(report: BulkReport): BulkReportStatus {
  const created = report.rows.filter((row) => row.status === 'CREATED').length;
  if (created === report.rowCount) return 'ALL_CREATED';
  return created === 0 ? 'NONE_CREATED' : 'PARTIAL';
}
