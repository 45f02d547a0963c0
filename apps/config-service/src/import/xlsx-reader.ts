import type ExcelJS from 'exceljs';
import { loadExcelJs } from './exceljs-loader';
import { FileRejectedError } from './file-rejected.error';
import type { ImportLimitsConfig } from './import-limits';
import { normaliseHeader, type Sheet } from './sheet';
import { assertInflatesWithin } from './zip-directory';

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return String(value.error);
    return '';
  }
  return String(value);
}

/** Reads every worksheet: row 1 is the header, later non-empty rows are data (empty rows are skipped). */
export async function readXlsx(buffer: Buffer, limits: ImportLimitsConfig): Promise<Sheet[]> {
  // Before exceljs inflates anything: a 10 MB upload could otherwise inflate to gigabytes.
  await assertInflatesWithin(buffer);
  const workbook = new (await loadExcelJs()).Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch (error) {
    throw new FileRejectedError('NOT_AN_XLSX', `The file is not a readable XLSX workbook: ${(error as Error).message}`);
  }
  if (workbook.worksheets.length > limits.maxSheets) {
    throw new FileRejectedError(
      'TOO_MANY_SHEETS',
      `The workbook has ${workbook.worksheets.length} sheets; at most ${limits.maxSheets} are accepted`,
    );
  }
  return workbook.worksheets.map((worksheet) => {
    const name = normaliseHeader(worksheet.name);
    if (worksheet.actualRowCount - 1 > limits.maxRowsPerSheet) {
      throw new FileRejectedError(
        'TOO_MANY_ROWS',
        `Sheet ${worksheet.name} has more than ${limits.maxRowsPerSheet} rows`,
      );
    }
    const sheet: Sheet = { name, columns: [], rows: [] };
    worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const values: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        const text = cellText(cell.value).trim();
        if (text.length > limits.maxCellLength) {
          throw new FileRejectedError(
            'CELL_TOO_LONG',
            `Sheet ${worksheet.name} row ${rowNumber}: a cell exceeds ${limits.maxCellLength} characters`,
          );
        }
        values[column - 1] = text;
      });
      if (rowNumber === 1 || sheet.columns.length === 0) {
        sheet.columns = Array.from(values, (v) => normaliseHeader(v ?? ''));
        return;
      }
      if (values.every((v) => !v)) return;
      const cells: Record<string, string> = {};
      sheet.columns.forEach((column, index) => {
        if (column) cells[column] = values[index] ?? '';
      });
      sheet.rows.push({ rowNumber, cells });
    });
    return sheet;
  });
}
