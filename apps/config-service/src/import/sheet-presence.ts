import type { Finding } from './findings';
import { headerHint } from './import-hints';
import type { Sheet } from './sheet';
import type { SheetLayout } from './sheet-layouts';

/**
 * Finds the sheets a layout needs and reports missing sheets and missing required columns once per sheet
 * (not once per row). Returns only sheets whose required columns are all present.
 */
export function locateSheets(sheets: Sheet[], layouts: SheetLayout[], findings: Finding[]): Map<string, Sheet> {
  const found = new Map<string, Sheet>();
  for (const layout of layouts) {
    const sheet = sheets.find((s) => s.name === layout.sheet);
    if (!sheet) {
      findings.push({
        sheet: layout.sheet,
        row: 0,
        column: null,
        code: 'MISSING_SHEET',
        message: `sheet "${layout.sheet}" is missing`,
        severity: 'ERROR',
      });
      continue;
    }
    const missing = layout.columns.filter((c) => c.required && !sheet.columns.includes(c.name));
    // A title row or a ";" delimiter is one mistake: one finding that says so, not one per column.
    const hint = missing.length > 0 ? headerHint(sheet, layout) : null;
    if (hint) {
      findings.push(hint);
      continue;
    }
    for (const column of missing) {
      findings.push({
        sheet: layout.sheet,
        row: 1,
        column: column.name,
        code: 'MISSING_COLUMN',
        message: `required column "${column.name}" is missing`,
        severity: 'ERROR',
      });
    }
    const known = new Set(layout.columns.map((c) => c.name));
    for (const column of sheet.columns.filter((c) => c && !known.has(c))) {
      findings.push({
        sheet: layout.sheet,
        row: 1,
        column,
        code: 'UNKNOWN_COLUMN',
        message: `column "${column}" is not part of the layout and is ignored`,
        severity: 'WARNING',
      });
    }
    if (missing.length === 0) found.set(layout.sheet, sheet);
  }
  // The template's `readme` sheet documents the layout and is never data.
  const expected = new Set([...layouts.map((l) => l.sheet), 'readme']);
  for (const sheet of sheets.filter((s) => !expected.has(s.name))) {
    findings.push({
      sheet: sheet.name,
      row: 0,
      column: null,
      code: 'UNKNOWN_SHEET',
      message: `sheet "${sheet.name}" is not part of the layout and is ignored`,
      severity: 'WARNING',
    });
  }
  return found;
}
