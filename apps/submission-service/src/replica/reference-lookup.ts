import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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
    if (rows[0] && !rows[0].isActive) {
      throw new DomainError(422, 'WORKSPACE_INACTIVE', `workspace ${workspaceId} is deactivated and takes no new submission`);
    }
  }

  async site(manager: EntityManager, workspaceId: string, siteCode: string, field = 'siteCode'): Promise<ResolvedSite> {
    const rows = (await manager.query(
      `SELECT site_id AS "siteId", site_code AS "siteCode", cluster_code AS "clusterCode", region
       FROM site_replica WHERE workspace_id = $1 AND site_code = $2 AND is_active`,
      [workspaceId, siteCode],
    )) as ResolvedSite[];
    if (!rows[0]) throw new UnknownReferenceError(field, siteCode, 'active site of this workspace');
    return rows[0];
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
      throw new DomainError(422, 'NO_ACTIVE_CONFIG', `the workspace has no ACTIVE config version for ${missing.join(', ')}`, {
        missing,
      });
    }
    return versions as ActiveConfigVersions;
  }

  async scope(manager: EntityManager, workspaceId: string, scopeCode: string, field = 'scopeCode'): Promise<{ scopeId: string; scopeCode: string }> {
    const rows = (await manager.query(
      `SELECT s.scope_id AS "scopeId", s.scope_code AS "scopeCode" FROM scope_replica s
       WHERE s.config_version_id = $2 AND s.workspace_id = $1 AND upper(s.scope_code) = upper($3) AND s.is_active`,
      [workspaceId, (await this.activeVersions(manager, workspaceId)).scopeConfig ?? '', scopeCode],
    )) as Array<{ scopeId: string; scopeCode: string }>;
    if (!rows[0]) throw new UnknownReferenceError(field, scopeCode, 'active scope of the ACTIVE scope configuration');
    return rows[0];
  }

  async vendor(manager: EntityManager, workspaceId: string, vendorCode: string, field = 'vendorCode'): Promise<{ vendorId: string; vendorCode: string }> {
    const rows = (await manager.query(
      `SELECT v.vendor_id AS "vendorId", v.vendor_code AS "vendorCode" FROM vendor_replica v
       WHERE v.config_version_id = $2 AND v.workspace_id = $1 AND upper(v.vendor_code) = upper($3) AND v.is_active`,
      [workspaceId, (await this.activeVersions(manager, workspaceId)).scopeConfig ?? '', vendorCode],
    )) as Array<{ vendorId: string; vendorCode: string }>;
    if (!rows[0]) throw new UnknownReferenceError(field, vendorCode, 'active vendor of the ACTIVE scope configuration');
    return rows[0];
  }
}
