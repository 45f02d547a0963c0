/** A CSV whose last quoted field never closes: nothing of it can be trusted. Callers answer it as their own refusal. */
export class CsvUnterminatedQuoteError extends Error {
  constructor(readonly line: number) {
    super(`an unterminated quoted field starts on line ${line}`);
    this.name = 'CsvUnterminatedQuoteError';
  }
}

export interface CsvRecord {
  /** The line the record starts on (a quoted field may span lines), for reports. */
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into records (RFC 4180: quoted fields, doubled quotes, CRLF or LF), keeping each
 * record's line. The one CSV grammar of the uploads the platform reads (config imports, bulk manifests).
 * `refuse` makes the caller's own error of an unterminated quote (by default a CsvUnterminatedQuoteError).
 */
export function parseCsvRecords(
  text: string,
  refuse: (line: number) => Error = (line) => new CsvUnterminatedQuoteError(line),
): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') inQuotes = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (inQuotes) throw refuse(recordLine);
  if (field !== '' || fields.length > 0) records.push({ line: recordLine, fields: [...fields, field] });
  return records;
}
