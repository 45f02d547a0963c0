/**
 * Limits on uploaded spreadsheets (architecture §7: uploaded files are validated for size, type, rows and
 * cell length). A file over a limit is refused as a whole and writes nothing.
 */
export const ImportLimits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxSheets: 10,
  maxRowsPerSheet: 50_000,
  maxCellLength: 2_000,
} as const;

export type ImportLimitsConfig = { readonly [K in keyof typeof ImportLimits]: number };
