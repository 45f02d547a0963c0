import { CsvUnterminatedQuoteError, parseCsvRecords } from './csv-records';

describe('parseCsvRecords', () => {
  it.each([
    [
      'plain fields, LF',
      'a,b\n1,2\n',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    [
      'CRLF and a last line without newline',
      'a,b\r\n1,2',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    ['quoted comma, doubled quote', '"x,y","say ""hi"""\n', [{ line: 1, fields: ['x,y', 'say "hi"'] }]],
    [
      'a quoted newline keeps the record on its first line',
      '"two\nlines",b\nc,d\n',
      [
        { line: 1, fields: ['two\nlines', 'b'] },
        { line: 3, fields: ['c', 'd'] },
      ],
    ],
    ['empty fields', ',,\n', [{ line: 1, fields: ['', '', ''] }]],
    ['a quote inside an unquoted field is data', 'a"b,c\n', [{ line: 1, fields: ['a"b', 'c'] }]],
  ])('%s', (_label, text, expected) => {
    expect(parseCsvRecords(text)).toEqual(expected);
  });

  it('refuses an unterminated quote, naming the line it starts on', () => {
    expect(() => parseCsvRecords('a,b\nc,"open\nstill open')).toThrow(CsvUnterminatedQuoteError);
    expect(() => parseCsvRecords('a,b\nc,"open')).toThrow(expect.objectContaining({ line: 2 }));
  });
});

describe("parseCsvRecords with the caller's refusal", () => {
  it('throws what `refuse` makes of the line', () => {
    const refusal = new Error('manifest refused');
    expect(() => parseCsvRecords('"open', (line) => Object.assign(refusal, { line }))).toThrow(refusal);
  });
});
