/** A sheet as the validators read it: cells as trimmed strings keyed by the lower-case header. */
export interface SheetRow {
  rowNumber: number;
  cells: Readonly<Record<string, string>>;
}

export interface Sheet {
  name: string;
  columns: string[];
  rows: SheetRow[];
}

/** Header cells "Role Code", "role-code" and "role_code" all mean the column `role_code`. */
export function normaliseHeader(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}
