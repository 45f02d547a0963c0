import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MembershipPayloadV1, SitePayloadV1, WorkspacePayloadV1 } from '@atp/contracts';

export interface SnapshotRows {
  configVersionId: string;
  workspaceId: string;
  sourceType: string;
  versionNumber: number;
  scopes?: Array<{ id: string; scopeCode: string; isActive?: boolean }>;
  vendors?: Array<{ id: string; vendorCode: string; isActive?: boolean }>;
}

/**
 * The replica tables the compacted config topics fill (architecture §5.2). Every upsert is guarded by
 * the event's aggregateVersion, so replaying the topic from offset 0, or a late duplicate, never moves
 * a row back to an older state.
 */
@Injectable()
export class ReplicaRepository {
  async upsertWorkspace(manager: EntityManager, row: WorkspacePayloadV1, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO workspace_replica (workspace_id, code, name, is_active, source_version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, is_active = EXCLUDED.is_active,
         source_version = EXCLUDED.source_version, updated_at = now()
       WHERE workspace_replica.source_version <= EXCLUDED.source_version`,
      [row.workspaceId, row.code, row.name, row.isActive, version],
    );
  }

  async upsertMembership(manager: EntityManager, row: MembershipPayloadV1, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO member_replica (membership_id, workspace_id, user_id, role, is_active, source_version) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (membership_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, user_id = EXCLUDED.user_id,
         role = EXCLUDED.role, is_active = EXCLUDED.is_active, source_version = EXCLUDED.source_version, updated_at = now()
       WHERE member_replica.source_version <= EXCLUDED.source_version`,
      [row.membershipId, row.workspaceId, row.userId, row.role, row.status === 'ACTIVE', version],
    );
  }

  async upsertSite(manager: EntityManager, row: SitePayloadV1, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO site_replica (site_id, workspace_id, site_code, site_name, cluster_code, region, is_active, source_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (site_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, site_code = EXCLUDED.site_code,
         site_name = EXCLUDED.site_name, cluster_code = EXCLUDED.cluster_code, region = EXCLUDED.region,
         is_active = EXCLUDED.is_active, source_version = EXCLUDED.source_version, updated_at = now()
       WHERE site_replica.source_version <= EXCLUDED.source_version`,
      [row.siteId, row.workspaceId, row.siteCode, row.siteName, row.clusterCode, row.region, row.isActive, version],
    );
  }

  /** A version's rows are immutable once activated: a replayed snapshot rewrites the same rows. */
  async saveSnapshot(manager: EntityManager, snapshot: SnapshotRows): Promise<void> {
    await manager.query(
      `INSERT INTO config_version_replica (config_version_id, workspace_id, source_type, version_number) VALUES ($1, $2, $3, $4)
       ON CONFLICT (config_version_id) DO NOTHING`,
      [snapshot.configVersionId, snapshot.workspaceId, snapshot.sourceType, snapshot.versionNumber],
    );
    if (snapshot.sourceType !== 'SCOPE_CONFIG') return;
    const scopes = snapshot.scopes ?? [];
    const vendors = snapshot.vendors ?? [];
    await manager.query(
      `INSERT INTO scope_replica (config_version_id, scope_id, workspace_id, scope_code, is_active)
       SELECT $1, s.id, $2, s.code, s.active FROM unnest($3::text[], $4::text[], $5::boolean[]) AS s(id, code, active)
       ON CONFLICT (config_version_id, scope_id) DO NOTHING`,
      [
        snapshot.configVersionId,
        snapshot.workspaceId,
        scopes.map((s) => s.id),
        scopes.map((s) => s.scopeCode),
        scopes.map((s) => s.isActive !== false),
      ],
    );
    await manager.query(
      `INSERT INTO vendor_replica (config_version_id, vendor_id, workspace_id, vendor_code, is_active)
       SELECT $1, v.id, $2, v.code, v.active FROM unnest($3::text[], $4::text[], $5::boolean[]) AS v(id, code, active)
       ON CONFLICT (config_version_id, vendor_id) DO NOTHING`,
      [
        snapshot.configVersionId,
        snapshot.workspaceId,
        vendors.map((v) => v.id),
        vendors.map((v) => v.vendorCode),
        vendors.map((v) => v.isActive !== false),
      ],
    );
  }
}
