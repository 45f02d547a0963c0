import { Injectable } from '@nestjs/common';
import type ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import type { SourceType } from '@atp/approval-routing';
import { loadExcelJs } from '../import/exceljs-loader';
import { SheetLayouts } from '../import/sheet-layouts';
import { ConfigVersionsRepository } from './config-versions.repository';
import { EXPORT_QUERIES } from './version-sheets';

function addLayoutSheets(workbook: ExcelJS.Workbook, sourceType: SourceType): void {
  for (const layout of SheetLayouts[sourceType]) {
    const sheet = workbook.addWorksheet(layout.sheet);
    sheet.addRow(layout.columns.map((c) => c.name)).font = { bold: true };
  }
}

/** XLSX export of a version and the documented, empty template per source type. */
@Injectable()
export class ConfigExportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: ConfigVersionsRepository,
  ) {}

  async template(sourceType: SourceType): Promise<Buffer> {
    const workbook = new (await loadExcelJs()).Workbook();
    addLayoutSheets(workbook, sourceType);
    const readme = workbook.addWorksheet('readme');
    readme.addRow(['sheet', 'column', 'required', 'meaning']).font = { bold: true };
    for (const layout of SheetLayouts[sourceType]) {
      for (const column of layout.columns)
        readme.addRow([layout.sheet, column.name, column.required ? 'yes' : 'no', column.help]);
    }
    readme.addRow([]);
    readme.addRow([
      'CSV',
      '',
      '',
      'A CSV file carries the same sheets as sections: a line [sheet_name], then the header line, then rows.',
    ]);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  async export(workspaceId: string, versionId: string): Promise<{ fileName: string; content: Buffer }> {
    const manager = this.dataSource.manager;
    const version = await this.versions.find(manager, workspaceId, versionId);
    const workbook = new (await loadExcelJs()).Workbook();
    for (const layout of SheetLayouts[version.sourceType]) {
      const sheet = workbook.addWorksheet(layout.sheet);
      const columns = layout.columns.map((c) => c.name);
      sheet.addRow(columns).font = { bold: true };
      const rows = (await manager.query(EXPORT_QUERIES[layout.sheet], [versionId])) as Array<Record<string, unknown>>;
      for (const row of rows)
        sheet.addRow(
          columns.map((c) =>
            row[c] === null || row[c] === undefined ? null : typeof row[c] === 'boolean' ? String(row[c]) : row[c],
          ),
        );
    }
    return {
      fileName: `${version.sourceType.toLowerCase()}-v${version.versionNumber}.xlsx`,
      content: Buffer.from(await workbook.xlsx.writeBuffer()),
    };
  }
}
