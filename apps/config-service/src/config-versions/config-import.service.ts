import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SourceType } from '@atp/approval-routing';
import { inTransaction } from '@atp/platform-database';
import { ConflictError, DomainError, IdempotencyStore, type IdempotentRequest } from '@atp/platform-http';
import { assertActorExists, lockWorkspace } from '../common/workspace-access';
import type { ValidationReport } from '../import/findings';
import { ImportContextLoader } from '../import/import-context.loader';
import { ImportLimits, type ImportLimitsConfig } from '../import/import-limits';
import { validateImport } from '../import/import-validator';
import { SheetLayouts } from '../import/sheet-layouts';
import { readSpreadsheet, type UploadedSpreadsheet } from '../import/spreadsheet-file';
import type { ConfigVersionRecord } from './config-version.record';
import { ConfigVersionEvent, ConfigVersionEvents } from './config-version-events';
import { ConfigVersionsRepository } from './config-versions.repository';
import { MasterRowsRepository } from './master-rows.repository';

export interface ImportResult {
  version: ConfigVersionRecord;
  report: ValidationReport;
}

/** An INVALID file: the report is the answer, and nothing was written. */
export class ImportInvalidError extends DomainError {
  constructor(report: ValidationReport) {
    super(422, 'IMPORT_INVALID', `The file has ${report.errors.length} error(s); nothing was imported`, { report });
  }
}

/**
 * Import → DRAFT (domain §2.2). The file is parsed and validated before anything is written; an unreadable,
 * over-limit or INVALID file writes nothing. The same file (SHA-256) imported twice for the same workspace and
 * source type is refused with 409 naming the existing version.
 */
@Injectable()
export class ConfigImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: ConfigVersionsRepository,
    private readonly masterRows: MasterRowsRepository,
    private readonly contextLoader: ImportContextLoader,
    private readonly events: ConfigVersionEvents,
    private readonly idempotency: IdempotencyStore,
  ) {}

  async import(
    workspaceId: string,
    sourceType: SourceType,
    file: UploadedSpreadsheet,
    actorId: string,
    notes: string | null,
    limits: ImportLimitsConfig = ImportLimits,
    idempotency: IdempotentRequest | null = null,
  ): Promise<ImportResult> {
    const sheets = await readSpreadsheet(file, limits, SheetLayouts[sourceType][0].sheet);
    const checksum = createHash('sha256').update(file.buffer).digest('hex');
    return inTransaction(this.dataSource, (manager) => this.idempotency.once(manager, idempotency, async () => {
      await assertActorExists(manager, actorId);
      await lockWorkspace(manager, workspaceId);
      const duplicate = await this.versions.findByChecksum(manager, workspaceId, sourceType, checksum);
      if (duplicate) {
        throw new ConflictError('DUPLICATE_FILE', `this file was already imported as version ${duplicate.versionNumber}`, {
          existingVersionId: duplicate.id, checksum,
        });
      }
      const versionId = randomUUID();
      const context = await this.contextLoader.load(manager, workspaceId, versionId, randomUUID);
      const { rows, report } = validateImport(sourceType, sheets, context);
      if (report.status === 'INVALID') throw new ImportInvalidError(report);
      const current = await this.versions.findActive(manager, workspaceId, sourceType);
      await this.versions.insert(manager, {
        id: versionId, workspaceId, sourceType, sourceFileName: file.fileName.slice(0, 255), sourceChecksum: checksum, rowCount: report.rowCount,
        validationStatus: report.status, validationErrors: report.errors, validationWarnings: report.warnings, importedBy: actorId,
        previousVersionId: current?.id ?? null, isRollback: false, rolledBackFromId: null, notes,
      });
      await this.masterRows.insert(manager, rows);
      const version = await this.versions.find(manager, workspaceId, versionId);
      await this.events.lifecycle(manager, ConfigVersionEvent.imported, version, actorId);
      return { version, report };
    }));
  }
}
