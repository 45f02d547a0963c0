/** One problem of an imported file, located so a user can fix it in the workbook. */
export interface Finding {
  sheet: string;
  /** Spreadsheet row number (1 = header row) or CSV line number; 0 when the finding concerns a whole sheet. */
  row: number;
  column: string | null;
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING';
}

export type ValidationStatus = 'VALID' | 'WARNINGS' | 'INVALID';

export interface ValidationReport {
  status: ValidationStatus;
  rowCount: number;
  errors: Finding[];
  warnings: Finding[];
}

export function buildReport(findings: Finding[], rowCount: number): ValidationReport {
  const errors = findings.filter((f) => f.severity === 'ERROR');
  const warnings = findings.filter((f) => f.severity === 'WARNING');
  const status: ValidationStatus = errors.length > 0 ? 'INVALID' : warnings.length > 0 ? 'WARNINGS' : 'VALID';
  return { status, rowCount, errors, warnings };
}
