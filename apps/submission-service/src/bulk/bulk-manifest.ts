import ExcelJS from 'exceljs';
import { parseCsvRecords, ZipArchive } from '@atp/platform-blob-store';
import { DomainError } from '@atp/platform-http';
import type { Finding } from './bulk-report';

/** One manifest row: what the registration of one submission needs. */
export interface ManifestRow {
  row: number;
  siteCode: string;
  scopeCode: string;
  vendorCode: string | null;
  atpCategory: string | null;
  title: string | null;
  documentType: string | null;
  fileName: string;
}

export interface Manifest {
  sheet: string;
  rows: ManifestRow[];
  /** Rows already refused by the manifest alone (a required cell empty, a cell too long). */
  findings: Finding[];
}

type Column = keyof Omit<ManifestRow, 'row'>;

/** The manifest's own header names (normalised: lower case, spaces and hyphens as `_`), aliases included. */
const HEADERS: Record<string, Column> = {
  site_code: 'siteCode',
  site: 'siteCode',
  scope_code: 'scopeCode',
  scope: 'scopeCode',
  vendor_code: 'vendorCode',
  vendor: 'vendorCode',
  atp_category: 'atpCategory',
  category: 'atpCategory',
  title: 'title',
  document_type: 'documentType',
  file_name: 'fileName',
  document: 'fileName',
  document_file_name: 'fileName',
  file: 'fileName',
};
const REQUIRED: readonly Column[] = ['siteCode', 'scopeCode', 'fileName'];
const MAX_CELL = 500;
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
// A manifest workbook is a handful of small parts; these limits are checked before exceljs inflates it.
const XLSX_LIMITS = {
  maxEntries: 200,
  maxEntryBytes: 64 * 1024 * 1024,
  maxInflatedBytes: 128 * 1024 * 1024,
  maxCompressionRatio: 100,
  ratioCheckedAboveBytes: 1024 * 1024,
};

function refused(code: string, message: string, status = 422): DomainError {
  return new DomainError(status, code, message, { field: 'manifest' }, [{ field: 'manifest', message }]);
}

function normaliseHeader(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Reads a CSV or XLSX manifest (XLSX by its zip signature, not its name); `maxRows` bounds the work. */
export async function readManifest(bytes: Buffer, fileName: string, maxRows: number): Promise<Manifest> {
  if (bytes.length === 0) throw refused('EMPTY_FILE', 'the manifest is empty');
  let sheet: string;
  let records: Array<{ line: number; fields: string[] }>;
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
    sheet = 'manifest';
    records = await xlsxRecords(bytes, maxRows);
  } else {
    if (/\.xlsx$/i.test(fileName))
      throw refused('NOT_AN_XLSX', 'the manifest is named .xlsx but is not an XLSX workbook');
    if (bytes.includes(0)) throw refused('NOT_A_CSV', 'the manifest contains binary data and is neither CSV nor XLSX');
    sheet = 'manifest';
    records = parseCsvRecords(bytes.toString('utf8').replace(/^\uFEFF/, ''), (line) =>
      refused('CSV_UNTERMINATED_QUOTE', `the manifest has an unterminated quoted field starting on line ${line}`),
    );
  }
  records = records.filter((record) => record.fields.some((field) => field.trim() !== ''));
  const [header, ...data] = records;
  if (!header) throw refused('MANIFEST_EMPTY', 'the manifest has no header row');
  if (data.length === 0) throw refused('MANIFEST_EMPTY', 'the manifest has no data rows');
  if (data.length > maxRows)
    throw refused('MANIFEST_TOO_MANY_ROWS', `the manifest has ${data.length} rows; at most ${maxRows}`, 413);
  const names = header.fields.map(normaliseHeader);
  const columns = names.map((name) => HEADERS[name] ?? null);
  const missing = REQUIRED.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    const expected = Object.entries(HEADERS)
      .filter(([, column]) => missing.includes(column))
      .map(([name]) => name);
    throw refused(
      'MANIFEST_COLUMNS_MISSING',
      `the manifest lacks the column(s) ${missing.join(', ')} (headers: ${expected.join(', ')})`,
    );
  }
  const findings: Finding[] = names
    .filter((name, index) => name && !columns[index])
    .map((name) => ({
      sheet,
      row: header.line,
      column: name,
      code: 'UNKNOWN_COLUMN',
      message: `column ${name} is ignored`,
      severity: 'WARNING',
    }));
  const rows = data.map((record) => rowOf(sheet, record, names, columns, findings));
  return { sheet, rows, findings };
}

function rowOf(
  sheet: string,
  record: { line: number; fields: string[] },
  names: string[],
  columns: Array<Column | null>,
  findings: Finding[],
): ManifestRow {
  const values: Partial<Record<Column, string>> = {};
  columns.forEach((column, index) => {
    const value = (record.fields[index] ?? '').trim();
    if (!column || value === '') return;
    if (value.length > MAX_CELL) {
      findings.push({
        sheet,
        row: record.line,
        column: names[index],
        code: 'TOO_LONG',
        message: `${names[index]} is longer than ${MAX_CELL} characters`,
        severity: 'ERROR',
      });
      return;
    }
    values[column] = value;
  });
  for (const column of REQUIRED) {
    if (!values[column]) {
      const name = names[columns.indexOf(column)];
      findings.push({
        sheet,
        row: record.line,
        column: name,
        code: 'REQUIRED',
        message: `${name} is required`,
        severity: 'ERROR',
      });
    }
  }
  return {
    row: record.line,
    siteCode: values.siteCode ?? '',
    scopeCode: values.scopeCode ?? '',
    vendorCode: values.vendorCode ?? null,
    atpCategory: values.atpCategory ?? null,
    title: values.title ?? null,
    documentType: values.documentType ?? null,
    fileName: values.fileName ?? '',
  };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    return '';
  }
  return String(value);
}

/** The first worksheet's rows; the zip directory is checked first, so a bomb is refused before exceljs inflates it. */
async function xlsxRecords(bytes: Buffer, maxRows: number): Promise<Array<{ line: number; fields: string[] }>> {
  const archive = await ZipArchive.fromBuffer(bytes, XLSX_LIMITS);
  archive.close();
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw refused('NOT_AN_XLSX', `the manifest is not a readable XLSX workbook: ${(error as Error).message}`);
  }
  const worksheet = workbook.worksheets[0];
  if (!worksheet) throw refused('MANIFEST_EMPTY', 'the manifest workbook has no worksheet');
  if (worksheet.actualRowCount - 1 > maxRows) {
    throw refused(
      'MANIFEST_TOO_MANY_ROWS',
      `the manifest has ${worksheet.actualRowCount - 1} rows; at most ${maxRows}`,
      413,
    );
  }
  const records: Array<{ line: number; fields: string[] }> = [];
  worksheet.eachRow({ includeEmpty: false }, (row, line) => {
    const fields: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      fields[column - 1] = cellText(cell.value);
    });
    records.push({ line, fields: Array.from(fields, (field) => field ?? '') });
  });
  return records;
}
