import { DomainError } from '@atp/platform-http';

/**
 * Splits CSV text into records (RFC 4180: quoted fields, doubled quotes, CRLF or LF), keeping each
 * record's line number for the report. Same grammar as config-service's import reader.
 */
export function parseCsvRecords(text: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
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
  if (inQuotes) {
    throw new DomainError(422, 'CSV_UNTERMINATED_QUOTE', `the manifest has an unterminated quoted field starting on line ${recordLine}`);
  }
  if (field !== '' || fields.length > 0) records.push({ line: recordLine, fields: [...fields, field] });
  return records;
}
