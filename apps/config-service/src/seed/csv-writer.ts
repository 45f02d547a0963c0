type Cell = string | number | boolean | null | undefined;

function quote(value: Cell): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes the sectioned CSV the importer reads (import/csv-reader.ts): `[sheet]`, header, rows. */
export function csvOf(sheets: Record<string, ReadonlyArray<Record<string, Cell>>>): Buffer {
  const lines: string[] = [];
  for (const [sheet, rows] of Object.entries(sheets)) {
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    lines.push(`[${sheet}]`, columns.join(','), ...rows.map((row) => columns.map((c) => quote(row[c])).join(',')));
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}
