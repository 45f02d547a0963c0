import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SourceType } from '@atp/approval-routing';
import { inTransaction } from '@atp/platform-database';
import { ConflictError, DomainError, IdempotencyStore, type IdempotentRequest } from '@atp/platform-http';
import { assertActorExists, lockWorkspace } from '../common/workspace-access';
import { buildReport, type Finding, type ValidationReport } from '../import/findings';
import { ImportContextLoader } from '../import/import-context.loader';
import { ImportLimits, type ImportLimitsConfig } from '../import/import-limits';
import { validateImport } from '../import/import-validator';
import { SheetLayouts } from '../import/sheet-layouts';
import { readSpreadsheet, type UploadedSpreadsheet } from '../import/spreadsheet-file';
import type { ConfigVersionRecord } from './config-version.record';
import { ConfigVersionEvent, ConfigVersionEvents } from './config-version-events';
import { ConfigVersionsRepository } from './config-versions.repository';
import { diffSnapshots } from './config-diff';
import { MasterRowsRepository } from './master-rows.repository';
import { SnapshotReader } from './snapshot.reader';

export interface ImportResult {
  version: ConfigVersionRecord;
  report: ValidationReport;
  /** A stale DRAFT of the same file that this import replaced (#7), or null. */
  replacedStaleDraftId: string | null;
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
    private readonly snapshots: SnapshotReader,
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
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.once(manager, idempotency, async () => {
        await assertActorExists(manager, actorId);
        await lockWorkspace(manager, workspaceId);
        const current = await this.versions.findActive(manager, workspaceId, sourceType);
        const duplicate = await this.versions.findByChecksum(manager, workspaceId, sourceType, checksum);
        // A DRAFT of the same file imported against an older ACTIVE version can never be activated (DRAFT_STALE);
        // importing the file again is what that refusal asks for, so the stale draft is replaced, not a 409 (#7).
        const staleDraft =
          duplicate && duplicate.status === 'DRAFT' && duplicate.previousVersionId !== (current?.id ?? null)
            ? duplicate
            : null;
        if (duplicate && !staleDraft) {
          throw new ConflictError(
            'DUPLICATE_FILE',
            `this file was already imported as version ${duplicate.versionNumber}`,
            {
              existingVersionId: duplicate.id,
              checksum,
            },
          );
        }
        const versionId = randomUUID();
        const context = await this.contextLoader.load(manager, workspaceId, versionId, randomUUID);
        const validated = validateImport(sourceType, sheets, context);
        const { rows } = validated;
        if (validated.report.status === 'INVALID') throw new ImportInvalidError(validated.report);
        if (staleDraft) {
          await this.masterRows.deleteAll(manager, staleDraft.id);
          await this.versions.delete(manager, staleDraft.id);
          await this.events.lifecycle(manager, ConfigVersionEvent.deleted, staleDraft, actorId);
        }
        let report = validated.report;
        await this.versions.insert(manager, {
          id: versionId,
          workspaceId,
          sourceType,
          sourceFileName: file.fileName.slice(0, 255),
          sourceChecksum: checksum,
          rowCount: report.rowCount,
          validationStatus: report.status,
          validationErrors: report.errors,
          validationWarnings: report.warnings,
          importedBy: actorId,
          previousVersionId: current?.id ?? null,
          isRollback: false,
          rolledBackFromId: null,
          notes,
        });
        await this.masterRows.insert(manager, rows);
        let version = await this.versions.find(manager, workspaceId, versionId);
        const same = await this.sameAsActiveWarning(manager, current, version);
        if (same) {
          report = buildReport([...report.errors, ...report.warnings, same], report.rowCount);
          await this.versions.setValidation(manager, versionId, report);
          version = await this.versions.find(manager, workspaceId, versionId);
        }
        await this.events.lifecycle(manager, ConfigVersionEvent.imported, version, actorId);
        return { version, report, replacedStaleDraftId: staleDraft?.id ?? null };
      }),
    );
  }

  /**
   * #20: a file whose content equals the ACTIVE version (an export re-imported, a file saved again) makes a DRAFT
   * that changes nothing. It is still imported, with a warning naming the ACTIVE version. Content is compared by
   * the activation preview's diff over snapshots, so ids and file bytes do not matter.
   */
  private async sameAsActiveWarning(
    manager: EntityManager,
    current: ConfigVersionRecord | null,
    draft: ConfigVersionRecord,
  ): Promise<Finding | null> {
    if (!current) return null;
    const diff = diffSnapshots(await this.snapshots.read(manager, current), await this.snapshots.read(manager, draft));
    const unchanged = Object.values(diff).every(
      (c) => c.added.length === 0 && c.removed.length === 0 && c.changed.length === 0,
    );
    if (!unchanged) return null;
    return {
      sheet: '*',
      row: 0,
      column: null,
      code: 'SAME_AS_ACTIVE',
      severity: 'WARNING',
      message: `the content is identical to the ACTIVE version ${current.versionNumber}: activating it would change nothing`,
    };
  }
}
