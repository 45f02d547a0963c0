import type ExcelJS from 'exceljs';

let loaded: Promise<typeof ExcelJS> | undefined;

/**
 * exceljs, loaded on first use: it adds ~25 MB to the resident memory of every config-service process,
 * and only spreadsheet imports, exports and templates need it (issue 14: idle RSS ≤ 150 MB).
 */
export function loadExcelJs(): Promise<typeof ExcelJS> {
  loaded ??= import('exceljs').then(
    (module) => (module as { default?: typeof ExcelJS }).default ?? (module as unknown as typeof ExcelJS),
  );
  return loaded;
}
