import type { Finding } from './findings';
import { normaliseHeader, type Sheet } from './sheet';
import type { SheetLayout } from './sheet-layouts';

/**
 * Hints for the usual ways a well-meant file goes wrong (#23, #10): the finding names the cause instead of a
 * flood of missing columns or a silently garbled text. Pure functions over parsed sheets; the readers stay
 * unaware of them.
 */

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/** "46037" in a date column is usually a date cell Excel exported as its serial number. */
export function excelSerialDateHint(value: string): string | null {
  if (!/^\d{4,6}(\.\d+)?$/.test(value)) return null;
  const serial = Math.floor(Number(value));
  if (serial < 1 || serial > 2_958_465) return null;
  const day = new Date(EXCEL_EPOCH_MS + serial * DAY_MS).toISOString().slice(0, 10);
  return `it looks like an Excel serial date (${serial} = ${day}): format the cell as a date or type ${day}`;
}

/**
 * One finding that explains why the header was not recognised, or null: a file saved with `;` as delimiter
 * (one header cell holding the column names), or a title row above the header (the header is found in a
 * later row). Called only when required columns are missing.
 */
export function headerHint(sheet: Sheet, layout: SheetLayout): Finding | null {
  const known = new Set(layout.columns.map((c) => c.name));
  const named = sheet.columns.filter((c) => c !== '');
  if (named.length === 1 && named[0].includes(';')) {
    const parts = named[0].split(';').map(normaliseHeader);
    if (parts.some((part) => known.has(part))) {
      return {
        sheet: layout.sheet,
        row: 1,
        column: null,
        code: 'SEMICOLON_DELIMITER',
        severity: 'ERROR',
        message: 'the header is separated by ";": save the file as comma-separated CSV (CSV UTF-8, comma delimited)',
      };
    }
  }
  for (const row of sheet.rows.slice(0, 10)) {
    const values = Object.values(row.cells).map(normaliseHeader);
    if (values.some((value) => known.has(value))) {
      return {
        sheet: layout.sheet,
        row: row.rowNumber,
        column: null,
        code: 'HEADER_NOT_IN_FIRST_ROW',
        severity: 'ERROR',
        message: `row ${row.rowNumber} looks like the header: the header must be the first row of the sheet; remove the title rows above it`,
      };
    }
  }
  return null;
}

/** U+FFFD is what a non-UTF-8 byte decodes to: the text was not UTF-8 and would be stored garbled. */
export function encodingFindings(sheets: Sheet[]): Finding[] {
  const findings: Finding[] = [];
  for (const sheet of sheets) {
    const bad = sheet.rows.flatMap((row) =>
      Object.entries(row.cells)
        .filter(([, value]) => value.includes('\uFFFD'))
        .map(([column]) => ({ row: row.rowNumber, column })),
    );
    const first = bad[0];
    if (!first) continue;
    findings.push({
      sheet: sheet.name,
      row: first.row,
      column: first.column,
      code: 'INVALID_ENCODING',
      severity: 'ERROR',
      message: `the file is not UTF-8 (${bad.length} cell(s) in this sheet hold undecodable characters): save it as "CSV UTF-8"`,
    });
  }
  return findings;
}
