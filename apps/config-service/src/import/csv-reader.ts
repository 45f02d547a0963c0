import { parseCsvRecords } from '@atp/platform-blob-store';
import { FileRejectedError } from './file-rejected.error';
import type { ImportLimitsConfig } from './import-limits';
import { normaliseHeader, type Sheet } from './sheet';

/**
 * A CSV file carries several sheets as sections: a line `[sheet_name]` starts a section, the next line is
 * its header. A file without any section marker is one sheet named `defaultSheet`.
 */
export function readSectionedCsv(buffer: Buffer, limits: ImportLimitsConfig, defaultSheet: string): Sheet[] {
  if (buffer.includes(0)) throw new FileRejectedError('NOT_A_CSV', 'The file contains binary data and is not CSV text');
  const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
  const sheets: Sheet[] = [];
  let current: Sheet | null = null;
  let expectHeader = false;
  const unterminated = (line: number) =>
    new FileRejectedError('CSV_UNTERMINATED_QUOTE', `CSV has an unterminated quoted field starting on line ${line}`);
  for (const record of parseCsvRecords(text, unterminated)) {
    const nonEmpty = record.fields.some((f) => f.trim() !== '');
    if (!nonEmpty) continue;
    const marker = /^\[([A-Za-z0-9_ -]+)\]$/.exec(record.fields[0].trim());
    if (marker && record.fields.slice(1).every((f) => f.trim() === '')) {
      current = { name: normaliseHeader(marker[1]), columns: [], rows: [] };
      sheets.push(current);
      expectHeader = true;
      if (sheets.length > limits.maxSheets)
        throw new FileRejectedError('TOO_MANY_SHEETS', `More than ${limits.maxSheets} sheets`);
      continue;
    }
    if (!current) {
      current = { name: defaultSheet, columns: [], rows: [] };
      sheets.push(current);
      expectHeader = true;
    }
    for (const f of record.fields) {
      if (f.length > limits.maxCellLength) {
        throw new FileRejectedError(
          'CELL_TOO_LONG',
          `Sheet ${current.name} line ${record.line}: a cell exceeds ${limits.maxCellLength} characters`,
        );
      }
    }
    if (expectHeader) {
      current.columns = record.fields.map(normaliseHeader);
      expectHeader = false;
      continue;
    }
    if (current.rows.length >= limits.maxRowsPerSheet) {
      throw new FileRejectedError(
        'TOO_MANY_ROWS',
        `Sheet ${current.name} has more than ${limits.maxRowsPerSheet} rows`,
      );
    }
    const cells: Record<string, string> = {};
    current.columns.forEach((column, index) => {
      if (column) cells[column] = (record.fields[index] ?? '').trim();
    });
    current.rows.push({ rowNumber: record.line, cells });
  }
  return sheets;
}
