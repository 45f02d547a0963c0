import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ApprovalMatrixSnapshot,
  ClusterMappingSnapshot,
  ConfigSnapshot,
  ScopeConfigSnapshot,
} from '@atp/approval-routing';

export interface PinnedVersionIds {
  approvalMatrix: string;
  clusterMapping: string;
  scopeConfig: string;
}

export type PinnedSnapshots =
  | {
      ok: true;
      approvalMatrix: ApprovalMatrixSnapshot;
      clusterMapping: ClusterMappingSnapshot;
      scopeConfig: ScopeConfigSnapshot;
    }
  | { ok: false; reason: 'CONFIG_SNAPSHOT_MISSING' | 'CONFIG_SNAPSHOT_MISMATCH'; detail: string };

/**
 * The replica tables config-service's compacted topics fill (architecture §5.2). Every upsert carries
 * the event's `aggregateVersion` and changes a row only when it is not older than what the row holds:
 * a DLQ replay of an old event (say, a membership before its revocation) leaves the newer state.
 * Equal versions are re-applied (the same event read twice writes the same values).
 */
@Injectable()
export class ReplicaRepository {
  async saveSnapshot(manager: EntityManager, snapshot: ConfigSnapshot, aggregateVersion: number): Promise<void> {
    // A compacted topic replays the same version: versions are immutable, the newest copy wins.
    await manager.query(
      `INSERT INTO config_snapshot_replica (config_version_id, workspace_id, source_type, version_number, snapshot, received_at, aggregate_version)
       VALUES ($1, $2, $3, $4, $5, now(), $6)
       ON CONFLICT (config_version_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, version_number = EXCLUDED.version_number, received_at = now(),
         aggregate_version = EXCLUDED.aggregate_version
       WHERE config_snapshot_replica.aggregate_version <= EXCLUDED.aggregate_version`,
      [
        snapshot.configVersionId,
        snapshot.workspaceId,
        snapshot.sourceType,
        snapshot.versionNumber,
        JSON.stringify(snapshot),
        aggregateVersion,
      ],
    );
  }

  /** The three versions a submission pinned, each checked for workspace and source type. */
  async loadPinned(manager: EntityManager, workspaceId: string, pinned: PinnedVersionIds): Promise<PinnedSnapshots> {
    const rows = (await manager.query(
      `SELECT config_version_id AS id, workspace_id AS "workspaceId", source_type AS "sourceType", snapshot
       FROM config_snapshot_replica WHERE config_version_id = ANY($1::text[])`,
      [[pinned.approvalMatrix, pinned.clusterMapping, pinned.scopeConfig]],
    )) as Array<{ id: string; workspaceId: string; sourceType: string; snapshot: ConfigSnapshot }>;
    const byId = new Map(rows.map((row) => [row.id, row]));
    const expected: Array<[keyof PinnedVersionIds, string]> = [
      ['approvalMatrix', 'APPROVAL_MATRIX'],
      ['clusterMapping', 'CLUSTER_MAPPING'],
      ['scopeConfig', 'SCOPE_CONFIG'],
    ];
    const approvalMatrix = byId.get(pinned.approvalMatrix);
    const clusterMapping = byId.get(pinned.clusterMapping);
    const scopeConfig = byId.get(pinned.scopeConfig);
    if (!approvalMatrix || !clusterMapping || !scopeConfig) {
      const missing = expected.filter(([key]) => !byId.has(pinned[key])).map(([key, type]) => `${type} ${pinned[key]}`);
      return {
        ok: false,
        reason: 'CONFIG_SNAPSHOT_MISSING',
        detail: `config versions not in the replica: ${missing.join(', ')}`,
      };
    }
    const found = { approvalMatrix, clusterMapping, scopeConfig };
    for (const [key, type] of expected) {
      const row = found[key];
      if (row.workspaceId !== workspaceId || row.sourceType !== type) {
        return {
          ok: false,
          reason: 'CONFIG_SNAPSHOT_MISMATCH',
          detail: `config version ${row.id} is ${row.sourceType} of workspace ${row.workspaceId}, expected ${type} of ${workspaceId}`,
        };
      }
    }
    return {
      ok: true,
      approvalMatrix: approvalMatrix.snapshot as ApprovalMatrixSnapshot,
      clusterMapping: clusterMapping.snapshot as ClusterMappingSnapshot,
      scopeConfig: scopeConfig.snapshot as ScopeConfigSnapshot,
    };
  }

  async upsertWorkspace(
    manager: EntityManager,
    row: { workspaceId: string; code: string; name: string; isActive: boolean },
    aggregateVersion: number,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO workspace_replica (workspace_id, code, name, is_active, updated_at, aggregate_version) VALUES ($1, $2, $3, $4, now(), $5)
       ON CONFLICT (workspace_id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, is_active = EXCLUDED.is_active, updated_at = now(),
         aggregate_version = EXCLUDED.aggregate_version
       WHERE workspace_replica.aggregate_version <= EXCLUDED.aggregate_version`,
      [row.workspaceId, row.code, row.name, row.isActive, aggregateVersion],
    );
  }

  async upsertMembership(
    manager: EntityManager,
    row: { membershipId: string; workspaceId: string; userId: string; role: string; isActive: boolean },
    aggregateVersion: number,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO member_replica (membership_id, workspace_id, user_id, role, is_active, updated_at, aggregate_version)
       VALUES ($1, $2, $3, $4, $5, now(), $6)
       ON CONFLICT (membership_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, user_id = EXCLUDED.user_id,
         role = EXCLUDED.role, is_active = EXCLUDED.is_active, updated_at = now(), aggregate_version = EXCLUDED.aggregate_version
       WHERE member_replica.aggregate_version <= EXCLUDED.aggregate_version`,
      [row.membershipId, row.workspaceId, row.userId, row.role, row.isActive, aggregateVersion],
    );
  }

  async upsertSite(
    manager: EntityManager,
    row: {
      siteId: string;
      workspaceId: string;
      siteCode: string;
      clusterCode: string | null;
      region: string | null;
      isActive: boolean;
    },
    aggregateVersion: number,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO site_replica (site_id, workspace_id, site_code, cluster_code, region_code, is_active, updated_at, aggregate_version)
       VALUES ($1, $2, $3, $4, $5, $6, now(), $7)
       ON CONFLICT (site_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, site_code = EXCLUDED.site_code,
         cluster_code = EXCLUDED.cluster_code, region_code = EXCLUDED.region_code, is_active = EXCLUDED.is_active, updated_at = now(),
         aggregate_version = EXCLUDED.aggregate_version
       WHERE site_replica.aggregate_version <= EXCLUDED.aggregate_version`,
      [row.siteId, row.workspaceId, row.siteCode, row.clusterCode, row.region, row.isActive, aggregateVersion],
    );
  }
}
