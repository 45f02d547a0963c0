import { threadId } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import { zipBombXlsx } from '../../test/zip-fixtures';
import { ImportLimits } from './import-limits';
import { readSpreadsheet } from './spreadsheet-file';
import { parseXlsxInWorker } from './xlsx-off-thread';

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('Sites').addRows(rows);
  return Buffer.from(await book.xlsx.writeBuffer());
}

// The first parse starts the thread (exceljs loads there); on a busy machine that takes a while.
jest.setTimeout(120_000);

describe('XLSX parsing off the event loop', () => {
  it('parses in another thread and answers the same sheets as the reader', async () => {
    const file = await workbook([['Site Code', 'site-name'], ['S-1', 'One'], [], ['S-2', 'Two']]);
    const parsed = await parseXlsxInWorker(file, ImportLimits);
    expect(parsed.threadId).not.toBe(threadId);
    expect(parsed.sheets).toEqual([
      {
        name: 'sites',
        columns: ['site_code', 'site_name'],
        rows: [
          { rowNumber: 2, cells: { site_code: 'S-1', site_name: 'One' } },
          { rowNumber: 4, cells: { site_code: 'S-2', site_name: 'Two' } },
        ],
      },
    ]);
    // The thread stays for the next upload (exceljs loads once).
    expect((await parseXlsxInWorker(file, ImportLimits)).threadId).toBe(parsed.threadId);
  });

  it('carries the reader refusals across the thread as the same problem (status and code)', async () => {
    const file = await workbook([['site_code'], ['x'.repeat(ImportLimits.maxCellLength + 1)]]);
    await expect(readSpreadsheet({ fileName: 'a.xlsx', buffer: file }, ImportLimits, 'sites')).rejects.toMatchObject({
      status: 422,
      code: 'CELL_TOO_LONG',
    });
    const tooManyRows = { ...ImportLimits, maxRowsPerSheet: 1 };
    await expect(parseXlsxInWorker(await workbook([['a'], ['1'], ['2']]), tooManyRows)).rejects.toMatchObject({
      code: 'TOO_MANY_ROWS',
    });
  });

  it('refuses a zip bomb before any worker inflates it, and a broken workbook from the worker', async () => {
    await expect(
      readSpreadsheet({ fileName: 'bomb.xlsx', buffer: zipBombXlsx() }, ImportLimits, 'sites'),
    ).rejects.toMatchObject({
      status: 413,
      code: 'INFLATED_TOO_LARGE',
    });
    const valid = await workbook([['a'], ['1']]);
    const truncated = valid.subarray(0, Math.floor(valid.length / 2));
    await expect(
      readSpreadsheet({ fileName: 'cut.xlsx', buffer: truncated }, ImportLimits, 'sites'),
    ).rejects.toMatchObject({
      code: 'NOT_AN_XLSX',
    });
  });
});
