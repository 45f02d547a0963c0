import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '@atp/platform-database';
import { DomainError, UnknownReferenceError } from '@atp/platform-http';

export interface ActiveConfigVersions {
  approvalMatrix: string;
  clusterMapping: string;
  scopeConfig: string;
}

export interface ResolvedSite {
  siteId: string;
  siteCode: string;
  clusterCode: string | null;
  region: string | null;
}

export interface SubmissionCodes {
  siteCode: string;
  scopeCode: string;
  vendorCode?: string | null;
}

export interface NewSubmissionReferences {
  site: ResolvedSite;
  scope: { scopeId: string; scopeCode: string };
  vendor: { vendorId: string; vendorCode: string } | null;
}

function workspaceInactive(workspaceId: string): DomainError {
  return new DomainError(
    422,
    'WORKSPACE_INACTIVE',
    `workspace ${workspaceId} is deactivated and takes no new submission`,
  );
}

/**
 * Checks the references of a submission against the replicas (architecture §5.2): an unknown,
 * inactive or other-workspace code is a 422 naming the field, never a 500 and never a foreign row.
 */
@Injectable()
export class ReferenceLookup {
  async requireActiveWorkspace(manager: EntityManager, workspaceId: string): Promise<void> {
    const rows = (await manager.query(`SELECT is_active AS "isActive" FROM workspace_replica WHERE workspace_id = $1`, [
      workspaceId,
    ])) as Array<{ isActive: boolean }>;
    if (rows[0] && !rows[0].isActive) throw workspaceInactive(workspaceId);
  }

  /** The ACTIVE version of each source type: the highest activated version number (rollback adds one). */
  async activeVersions(manager: EntityManager, workspaceId: string): Promise<Partial<ActiveConfigVersions>> {
    const rows = (await manager.query(
      `SELECT DISTINCT ON (source_type) source_type AS "sourceType", config_version_id AS id
       FROM config_version_replica WHERE workspace_id = $1 ORDER BY source_type, version_number DESC`,
      [workspaceId],
    )) as Array<{ sourceType: string; id: string }>;
    const byType = new Map(rows.map((row) => [row.sourceType, row.id]));
    return {
      approvalMatrix: byType.get('APPROVAL_MATRIX'),
      clusterMapping: byType.get('CLUSTER_MAPPING'),
      scopeConfig: byType.get('SCOPE_CONFIG'),
    };
  }

  async requireActiveVersions(manager: EntityManager, workspaceId: string): Promise<ActiveConfigVersions> {
    const versions = await this.activeVersions(manager, workspaceId);
    const missing = (['approvalMatrix', 'clusterMapping', 'scopeConfig'] as const).filter((key) => !versions[key]);
    if (missing.length > 0) {
      throw new DomainError(
        422,
        'NO_ACTIVE_CONFIG',
        `the workspace has no ACTIVE config version for ${missing.join(', ')}`,
        {
          missing,
        },
      );
    }
    return versions as ActiveConfigVersions;
  }

  /**
   * Every reference of a new submission, in one statement (a create is on the hot path): the workspace
   * must not be deactivated, the site active in it, the scope (and the vendor, when given) active in the
   * ACTIVE scope configuration. Refusals come in that order, each a 422 naming its field.
   */
  async newSubmissionReferences(
    manager: EntityManager,
    workspaceId: string,
    codes: SubmissionCodes,
  ): Promise<NewSubmissionReferences> {
    const [row] = await runPrepared<{ workspaceActive: boolean | null } & NewSubmissionReferences>(
      manager,
      `WITH scope_config AS (
         SELECT config_version_id AS id FROM config_version_replica
         WHERE workspace_id = $1 AND source_type = 'SCOPE_CONFIG' ORDER BY version_number DESC LIMIT 1
       )
       SELECT (SELECT is_active FROM workspace_replica WHERE workspace_id = $1) AS "workspaceActive",
         (SELECT json_build_object('siteId', site_id, 'siteCode', site_code, 'clusterCode', cluster_code, 'region', region)
          FROM site_replica WHERE workspace_id = $1 AND site_code = $2 AND is_active LIMIT 1) AS site,
         (SELECT json_build_object('scopeId', s.scope_id, 'scopeCode', s.scope_code)
          FROM scope_replica s JOIN scope_config c ON s.config_version_id = c.id
          WHERE s.workspace_id = $1 AND upper(s.scope_code) = upper($3) AND s.is_active LIMIT 1) AS scope,
         (SELECT json_build_object('vendorId', v.vendor_id, 'vendorCode', v.vendor_code)
          FROM vendor_replica v JOIN scope_config c ON v.config_version_id = c.id
          WHERE $4::text IS NOT NULL AND v.workspace_id = $1 AND upper(v.vendor_code) = upper($4) AND v.is_active LIMIT 1) AS vendor`,
      [workspaceId, codes.siteCode, codes.scopeCode, codes.vendorCode ?? null],
    );
    if (row.workspaceActive === false) throw workspaceInactive(workspaceId);
    if (!row.site) throw new UnknownReferenceError('siteCode', codes.siteCode, 'active site of this workspace');
    if (!row.scope)
      throw new UnknownReferenceError('scopeCode', codes.scopeCode, 'active scope of the ACTIVE scope configuration');
    if (codes.vendorCode && !row.vendor) {
      throw new UnknownReferenceError(
        'vendorCode',
        codes.vendorCode,
        'active vendor of the ACTIVE scope configuration',
      );
    }
    return { site: row.site, scope: row.scope, vendor: row.vendor ?? null };
  }
}
