import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  compileRouting, type ApprovalMatrixSnapshot, type ClusterMappingSnapshot, type CompiledRouting, type RouteResolution, type ScopeConfigSnapshot,
} from '@atp/approval-routing';
import { ConflictError, UnknownReferenceError } from '@atp/platform-http';
import { assertWorkspaceExists } from '../common/workspace-access';
import { ConfigVersionsRepository } from '../config-versions/config-versions.repository';
import { SnapshotReader } from '../config-versions/snapshot.reader';
import type { DryRunDto } from './dry-run.dto';

/**
 * Dry-run of the shared resolver (`@atp/approval-routing`, the same code workflow-service runs) against the
 * workspace's ACTIVE versions. Compiled routings are cached by the three version ids: versions never change
 * once active, so the cache needs no invalidation beyond a new id.
 */
@Injectable()
export class RoutingService {
  private readonly compiled = new Map<string, CompiledRouting>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: ConfigVersionsRepository,
    private readonly snapshots: SnapshotReader,
  ) {}

  async dryRun(workspaceId: string, dto: DryRunDto): Promise<RouteResolution> {
    const manager = this.dataSource.manager;
    await assertWorkspaceExists(manager, workspaceId);
    const routing = await this.routingFor(workspaceId);
    let site = null;
    if (dto.site_code) {
      const rows = (await manager.query(`SELECT site_code, cluster_code, region FROM sites WHERE workspace_id = $1 AND site_code = $2`, [workspaceId, dto.site_code])) as Array<{ site_code: string; cluster_code: string | null; region: string | null }>;
      if (rows.length === 0) throw new UnknownReferenceError('site_code', dto.site_code, 'site');
      site = { siteCode: rows[0].site_code, clusterCode: rows[0].cluster_code, region: rows[0].region };
    }
    const members = (await manager.query(`SELECT DISTINCT user_id FROM workspace_members WHERE workspace_id = $1 AND status = 'ACTIVE'`, [workspaceId])) as Array<{ user_id: string }>;
    const activeMembers = new Set(members.map((m) => m.user_id));
    return routing.resolveRoute(
      {
        workspaceId, scopeCode: dto.scope_code.toUpperCase(), vendorCode: dto.vendor_code?.toUpperCase() ?? null, atpCategory: dto.atp_category,
        asOf: dto.as_of ?? new Date().toISOString().slice(0, 10), site,
      },
      // Workload lives in workflow-service; a dry run assumes nobody is loaded.
      { directory: { isActiveMember: (userId) => activeMembers.has(userId), openStageCount: () => 0 } },
    );
  }

  async routingFor(workspaceId: string): Promise<CompiledRouting> {
    const manager = this.dataSource.manager;
    const [matrix, mapping, scopes] = await Promise.all([
      this.versions.findActive(manager, workspaceId, 'APPROVAL_MATRIX'),
      this.versions.findActive(manager, workspaceId, 'CLUSTER_MAPPING'),
      this.versions.findActive(manager, workspaceId, 'SCOPE_CONFIG'),
    ]);
    if (!matrix || !mapping || !scopes) {
      throw new ConflictError('NO_ACTIVE_CONFIG', 'routing needs an ACTIVE APPROVAL_MATRIX, CLUSTER_MAPPING and SCOPE_CONFIG', {
        missing: [!matrix && 'APPROVAL_MATRIX', !mapping && 'CLUSTER_MAPPING', !scopes && 'SCOPE_CONFIG'].filter(Boolean),
      });
    }
    const key = `${matrix.id}|${mapping.id}|${scopes.id}`;
    let routing = this.compiled.get(key);
    if (!routing) {
      routing = compileRouting({
        approvalMatrix: (await this.snapshots.read(manager, matrix)) as ApprovalMatrixSnapshot,
        clusterMapping: (await this.snapshots.read(manager, mapping)) as ClusterMappingSnapshot,
        scopeConfig: (await this.snapshots.read(manager, scopes)) as ScopeConfigSnapshot,
      });
      this.compiled.set(key, routing);
    }
    return routing;
  }
}
