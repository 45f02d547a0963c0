import { isCalendarDate } from '@atp/approval-routing';
import type { Finding } from './findings';
import { excelSerialDateHint } from './import-hints';

/** PostgreSQL `integer`: a larger value would be a 500 at insert instead of a finding. */
export const MAX_INTEGER = 2_147_483_647;
import type { SheetRow } from './sheet';

/**
 * Reads typed values from one row and records a finding for each bad cell, so a validator states what a
 * row needs in a few lines and every problem of the row is reported, not only the first.
 */
export class RowReader {
  private failed = false;

  constructor(
    private readonly sheet: string,
    private readonly row: SheetRow,
    private readonly findings: Finding[],
  ) {}

  get hasErrors(): boolean {
    return this.failed;
  }

  error(column: string | null, code: string, message: string): void {
    this.failed = true;
    this.findings.push({ sheet: this.sheet, row: this.row.rowNumber, column, code, message, severity: 'ERROR' });
  }

  warning(column: string | null, code: string, message: string): void {
    this.findings.push({ sheet: this.sheet, row: this.row.rowNumber, column, code, message, severity: 'WARNING' });
  }

  raw(column: string): string {
    return this.row.cells[column] ?? '';
  }

  text(column: string, maxLength: number): string | null {
    const value = this.raw(column);
    if (value === '') return null;
    if (value.length > maxLength) {
      this.error(column, 'TOO_LONG', `${column} is longer than ${maxLength} characters`);
      return null;
    }
    return value;
  }

  requiredText(column: string, maxLength: number): string {
    const value = this.text(column, maxLength);
    if (value === null && this.raw(column) === '') this.error(column, 'REQUIRED', `${column} is required`);
    return value ?? '';
  }

  /** An integer in `min..max` (default max: the database's integer range). */
  int(
    column: string,
    { min, max = MAX_INTEGER, fallback }: { min: number; max?: number; fallback: number | null },
  ): number | null {
    const value = this.raw(column);
    if (value === '') return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.error(column, 'INVALID_INTEGER', `${column} must be an integer from ${min} to ${max}, got "${value}"`);
      return null;
    }
    return Number(value);
  }

  requiredInt(column: string, min: number, max = MAX_INTEGER): number {
    if (this.raw(column) === '') {
      this.error(column, 'REQUIRED', `${column} is required`);
      return 0;
    }
    return this.int(column, { min, max, fallback: null }) ?? 0;
  }

  bool(column: string, fallback: boolean): boolean {
    const value = this.raw(column).toLowerCase();
    if (value === '') return fallback;
    if (['true', 'yes', 'y', '1'].includes(value)) return true;
    if (['false', 'no', 'n', '0'].includes(value)) return false;
    this.error(column, 'INVALID_BOOLEAN', `${column} must be true or false, got "${this.raw(column)}"`);
    return fallback;
  }

  oneOf<T extends string>(
    column: string,
    allowed: readonly T[],
    { required, fallback }: { required: boolean; fallback: T | null },
  ): T | null {
    const value = this.raw(column).trim().toUpperCase();
    if (value === '') {
      if (required) this.error(column, 'REQUIRED', `${column} is required`);
      return fallback;
    }
    if (!(allowed as readonly string[]).includes(value)) {
      this.error(column, 'INVALID_VALUE', `${column} must be one of ${allowed.join(', ')}, got "${this.raw(column)}"`);
      return null;
    }
    return value as T;
  }

  date(column: string): string | null {
    const value = this.raw(column);
    if (value === '') return null;
    if (!isCalendarDate(value)) {
      const hint = excelSerialDateHint(value);
      this.error(
        column,
        'INVALID_DATE',
        `${column} must be a calendar date YYYY-MM-DD, got "${value}"${hint ? `; ${hint}` : ''}`,
      );
      return null;
    }
    return value;
  }
}
