import type { SourceType } from '@atp/approval-routing';
import type { ConfigVersionPayloadV1 } from '@atp/contracts';
import type { ConfigStatus } from './config-version-lifecycle';

/** A config_versions row as the service uses it (camelCase). */
export interface ConfigVersionRecord {
  id: string;
  workspaceId: string;
  sourceType: SourceType;
  sourceFileName: string;
  sourceChecksum: string | null;
  versionNumber: number;
  status: ConfigStatus;
  rowCount: number;
  validationStatus: 'PENDING' | 'VALID' | 'WARNINGS' | 'INVALID';
  validationErrors: unknown[];
  validationWarnings: unknown[];
  importedBy: string;
  importedAt: Date;
  activatedAt: Date | null;
  archivedAt: Date | null;
  effectiveDate: string | null;
  expireDate: string | null;
  previousVersionId: string | null;
  supersededById: string | null;
  rolledBackFromId: string | null;
  isRollback: boolean;
  notes: string | null;
}

export const CONFIG_VERSION_COLUMNS = `id, workspace_id AS "workspaceId", source_type AS "sourceType", source_file_name AS "sourceFileName",
  source_checksum AS "sourceChecksum", version_number AS "versionNumber", status, coalesce(row_count, 0) AS "rowCount",
  validation_status AS "validationStatus", coalesce(validation_errors, '[]')::jsonb AS "validationErrors",
  coalesce(validation_warnings, '[]')::jsonb AS "validationWarnings", imported_by AS "importedBy", imported_at AS "importedAt",
  activated_at AS "activatedAt", archived_at AS "archivedAt", to_char(effective_date, 'YYYY-MM-DD') AS "effectiveDate",
  to_char(expire_date, 'YYYY-MM-DD') AS "expireDate", previous_version_id AS "previousVersionId", superseded_by_id AS "supersededById",
  rolled_back_from_id AS "rolledBackFromId", is_rollback AS "isRollback", notes`;

export function toEventPayload(version: ConfigVersionRecord): ConfigVersionPayloadV1 {
  return {
    configVersionId: version.id,
    workspaceId: version.workspaceId,
    sourceType: version.sourceType,
    versionNumber: version.versionNumber,
    status: version.status,
    validationStatus: version.validationStatus,
    sourceFileName: version.sourceFileName,
    sourceChecksum: version.sourceChecksum,
    rowCount: version.rowCount,
    previousVersionId: version.previousVersionId,
    supersededById: version.supersededById,
    isRollback: version.isRollback,
    rolledBackFromId: version.rolledBackFromId,
  };
}
