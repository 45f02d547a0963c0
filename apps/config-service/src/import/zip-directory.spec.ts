import ExcelJS from 'exceljs';
import { assertInflatesWithin } from './zip-directory';
import { readXlsx } from './xlsx-reader';
import { ImportLimits } from './import-limits';
import { zipOf } from '@atp/testing';
import { zipBombXlsx } from '../../test/zip-fixtures';

describe('assertInflatesWithin', () => {
  it('refuses a zip bomb from its directory: 413 INFLATED_TOO_LARGE', async () => {
    const bomb = zipBombXlsx();
    expect(bomb.length).toBeLessThan(100_000);
    await expect(assertInflatesWithin(bomb)).rejects.toMatchObject({ status: 413, code: 'INFLATED_TOO_LARGE' });
  });

  it('refuses the sum of entries over the total limit even when each ratio is modest', async () => {
    const parts = Array.from({ length: 3 }, (_, i) => ({ name: `p${i}`, content: Buffer.from(String(i)) }));
    const limits = {
      maxEntries: 10,
      maxEntryBytes: 1024,
      maxInflatedBytes: 2,
      maxCompressionRatio: 100,
      ratioCheckedAboveBytes: 1024,
    };
    await expect(assertInflatesWithin(zipOf(parts), limits)).rejects.toMatchObject({
      status: 413,
      code: 'INFLATED_TOO_LARGE',
    });
    await expect(
      assertInflatesWithin(zipOf(parts), { ...limits, maxEntries: 2, maxInflatedBytes: 100 }),
    ).rejects.toMatchObject({
      status: 413,
      code: 'TOO_MANY_ENTRIES',
    });
  });

  it('refuses what is not a zip, and accepts a real workbook', async () => {
    await expect(assertInflatesWithin(Buffer.from('not a zip at all, just text'))).rejects.toMatchObject({
      status: 422,
      code: 'NOT_AN_XLSX',
    });
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('sites').addRows([
      ['site_code', 'site_name'],
      ['S-1', 'One'],
    ]);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    await expect(assertInflatesWithin(file)).resolves.toBeUndefined();
    const [sheet] = await readXlsx(file, ImportLimits);
    expect(sheet.rows).toHaveLength(1);
  });

  it('makes readXlsx refuse the bomb before exceljs inflates it', async () => {
    await expect(readXlsx(zipBombXlsx(), ImportLimits)).rejects.toMatchObject({
      status: 413,
      code: 'INFLATED_TOO_LARGE',
    });
  });
});
