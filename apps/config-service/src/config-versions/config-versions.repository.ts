import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SourceType } from '@atp/approval-routing';
import { NotFoundError } from '@atp/platform-http';
import { CONFIG_VERSION_COLUMNS, type ConfigVersionRecord } from './config-version.record';

export interface NewConfigVersion {
  id: string;
  workspaceId: string;
  sourceType: SourceType;
  sourceFileName: string;
  sourceChecksum: string | null;
  rowCount: number;
  validationStatus: string;
  validationErrors: unknown[];
  validationWarnings: unknown[];
  importedBy: string;
  previousVersionId: string | null;
  isRollback: boolean;
  rolledBackFromId: string | null;
  notes: string | null;
}

/** config_versions, always filtered by workspace: a foreign workspace's version answers 404. */
@Injectable()
export class ConfigVersionsRepository {
  async find(
    manager: EntityManager,
    workspaceId: string,
    id: string,
    { lock = false } = {},
  ): Promise<ConfigVersionRecord> {
    const rows = (await manager.query(
      `SELECT ${CONFIG_VERSION_COLUMNS} FROM config_versions WHERE workspace_id = $1 AND id = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [workspaceId, id],
    )) as ConfigVersionRecord[];
    if (rows.length === 0) throw new NotFoundError('config version', id);
    return rows[0];
  }

  /** Keyset page by (source type, newest version first); `after` is the last row of the previous page. */
  async list(
    manager: EntityManager,
    workspaceId: string,
    f: { sourceType?: SourceType; after: { sourceType: string; versionNumber: number } | null; limit: number },
  ): Promise<ConfigVersionRecord[]> {
    return (await manager.query(
      `SELECT ${CONFIG_VERSION_COLUMNS} FROM config_versions WHERE workspace_id = $1 AND ($2::text IS NULL OR source_type = $2)
         AND ($3::text IS NULL OR source_type > $3 OR (source_type = $3 AND version_number < $4))
       ORDER BY source_type, version_number DESC LIMIT $5`,
      [workspaceId, f.sourceType ?? null, f.after?.sourceType ?? null, f.after?.versionNumber ?? null, f.limit],
    )) as ConfigVersionRecord[];
  }

  async findActive(
    manager: EntityManager,
    workspaceId: string,
    sourceType: SourceType,
    { lock = false } = {},
  ): Promise<ConfigVersionRecord | null> {
    const rows = (await manager.query(
      `SELECT ${CONFIG_VERSION_COLUMNS} FROM config_versions WHERE workspace_id = $1 AND source_type = $2 AND status = 'ACTIVE' ${lock ? 'FOR UPDATE' : ''}`,
      [workspaceId, sourceType],
    )) as ConfigVersionRecord[];
    return rows[0] ?? null;
  }

  async findByChecksum(
    manager: EntityManager,
    workspaceId: string,
    sourceType: SourceType,
    checksum: string,
  ): Promise<ConfigVersionRecord | null> {
    const rows = (await manager.query(
      `SELECT ${CONFIG_VERSION_COLUMNS} FROM config_versions WHERE workspace_id = $1 AND source_type = $2 AND source_checksum = $3 AND NOT is_rollback
       ORDER BY version_number DESC LIMIT 1`,
      [workspaceId, sourceType, checksum],
    )) as ConfigVersionRecord[];
    return rows[0] ?? null;
  }

  async insert(manager: EntityManager, version: NewConfigVersion): Promise<ConfigVersionRecord> {
    // Version numbers are max+1 per (workspace, source_type); callers hold the workspace row lock, and the
    // unique constraint turns a lost race into a 409 rather than a duplicate.
    await manager.query(
      `INSERT INTO config_versions (id, workspace_id, source_type, source_file_name, source_checksum, version_number, status, row_count,
         validation_status, validation_errors, validation_warnings, imported_by, previous_version_id, is_rollback, rolled_back_from_id, notes)
       SELECT $1, $2::uuid, $3::text, $4, $5, coalesce(max(version_number), 0) + 1, 'DRAFT', $6, $7, $8, $9, $10, $11, $12, $13, $14
       FROM config_versions WHERE workspace_id = $2::uuid AND source_type = $3::text`,
      [
        version.id,
        version.workspaceId,
        version.sourceType,
        version.sourceFileName,
        version.sourceChecksum,
        version.rowCount,
        version.validationStatus,
        JSON.stringify(version.validationErrors),
        JSON.stringify(version.validationWarnings),
        version.importedBy,
        version.previousVersionId,
        version.isRollback,
        version.rolledBackFromId,
        version.notes,
      ],
    );
    return this.find(manager, version.workspaceId, version.id);
  }

  async markSuperseded(manager: EntityManager, id: string, successorId: string): Promise<void> {
    await manager.query(
      `UPDATE config_versions SET status = 'SUPERSEDED', superseded_by_id = $2, archived_at = now(), expire_date = CURRENT_DATE, updated_at = now()
       WHERE id = $1 AND status = 'ACTIVE'`,
      [id, successorId],
    );
  }

  async markArchived(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE config_versions SET status = 'ARCHIVED', archived_at = now(), expire_date = CURRENT_DATE, updated_at = now() WHERE id = $1 AND status = 'ACTIVE'`,
      [id],
    );
  }

  async markActive(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE config_versions SET status = 'ACTIVE', activated_at = now(), effective_date = CURRENT_DATE, expire_date = NULL, updated_at = now()
       WHERE id = $1 AND status = 'DRAFT'`,
      [id],
    );
  }

  /** A DRAFT's report after a check that needs its stored rows (e.g. "same as ACTIVE"). */
  async setValidation(
    manager: EntityManager,
    id: string,
    report: { status: string; errors: unknown[]; warnings: unknown[] },
  ): Promise<void> {
    await manager.query(
      `UPDATE config_versions SET validation_status = $2, validation_errors = $3, validation_warnings = $4, updated_at = now() WHERE id = $1 AND status = 'DRAFT'`,
      [id, report.status, JSON.stringify(report.errors), JSON.stringify(report.warnings)],
    );
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM config_versions WHERE id = $1`, [id]);
  }

  /**
   * Running workflows and open submissions that pin the version, counted from their own rows (GIN indexes
   * idx_workflow_pins_running, idx_submission_pins_open_versions).
   */
  async pinnedCount(
    manager: EntityManager,
    id: string,
  ): Promise<{ workflows: number; submissions: number; total: number }> {
    const [row] = (await manager.query(
      `SELECT (SELECT count(*) FROM workflow_pins WHERE ended_at IS NULL AND config_version_ids @> ARRAY[$1]::text[])::int AS workflows,
              (SELECT count(*) FROM submission_pins WHERE closed_at IS NULL AND config_version_ids @> ARRAY[$1]::text[])::int AS submissions`,
      [id],
    )) as Array<{ workflows: number; submissions: number }>;
    return { ...row, total: row.workflows + row.submissions };
  }
}
