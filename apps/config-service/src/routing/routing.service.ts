import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  compileRouting,
  CompiledRoutingCache,
  normaliseRouteCodes,
  normaliseSiteCode,
  type SiteLocation,
  type ApprovalMatrixSnapshot,
  type ClusterMappingSnapshot,
  type CompiledRouting,
  type RouteResolution,
  type ScopeConfigSnapshot,
} from '@atp/approval-routing';
import { ConflictError, NotFoundError, UnknownReferenceError } from '@atp/platform-http';
import { ConfigVersionsRepository } from '../config-versions/config-versions.repository';
import { SnapshotReader } from '../config-versions/snapshot.reader';
import type { DryRunDto } from './dry-run.dto';
import { RoutingContextCache, type RoutingContext } from './routing-context.cache';

export interface DryRunWarning {
  code: 'UNKNOWN_VENDOR';
  field: string;
  message: string;
}

/** The route (or NO_POLICY as `{ok: false}`, a result of a preview, not an error) and the warnings. */
export type DryRunResult = RouteResolution & { warnings: DryRunWarning[] };

/**
 * Dry-run of the shared resolver (`@atp/approval-routing`, the same code workflow-service runs) against the
 * workspace's ACTIVE versions. Compiled routings are cached by the three version ids: versions never change
 * once active, so the cache needs no invalidation beyond a new id.
 */
@Injectable()
export class RoutingService {
  private readonly compiled = new CompiledRoutingCache();

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: ConfigVersionsRepository,
    private readonly snapshots: SnapshotReader,
    private readonly contexts: RoutingContextCache,
  ) {}

  async dryRun(workspaceId: string, dto: DryRunDto): Promise<DryRunResult> {
    const context = await this.contexts.get(workspaceId, () => this.loadContext(workspaceId));
    if (!context.workspaceExists) throw new NotFoundError('workspace', workspaceId);
    const site = dto.siteCode ? context.sites.get(normaliseSiteCode(dto.siteCode)) : null;
    if (dto.siteCode && !site) throw new UnknownReferenceError('siteCode', dto.siteCode, 'site');
    const routing = await this.routingFor(workspaceId, context.activeIds);
    const { activeMembers } = context;
    // The same normalisation as the real start (workflow-service), so that both resolve the same request.
    const codes = normaliseRouteCodes(dto);
    const route = routing.resolveRoute(
      {
        workspaceId,
        ...codes,
        atpCategory: dto.atpCategory,
        asOf: dto.asOf ?? new Date().toISOString().slice(0, 10),
        site: site ?? null,
        submittedBy: dto.submittedBy ?? null,
      },
      // Workload lives in workflow-service; a dry run assumes nobody is loaded.
      { directory: { isActiveMember: (userId) => activeMembers.has(userId), openStageCount: () => 0 } },
    );
    return { ...route, warnings: this.warnings(routing, codes) };
  }

  /** What the dry run resolved anyway but a user should know (#18): a vendor the SCOPE_CONFIG does not list. */
  private warnings(routing: CompiledRouting, codes: { vendorCode: string | null }): DryRunWarning[] {
    const { scopeConfig } = routing.snapshots;
    if (codes.vendorCode === null || scopeConfig.vendors.some((v) => v.vendorCode === codes.vendorCode)) return [];
    return [
      {
        code: 'UNKNOWN_VENDOR',
        field: 'vendorCode',
        message: `vendor ${codes.vendorCode} is not in SCOPE_CONFIG v${scopeConfig.versionNumber}; only policies without a vendor can apply`,
      },
    ];
  }

  /** One round trip for everything a dry run reads about the workspace besides the (cached) compiled versions. */
  private async loadContext(workspaceId: string): Promise<RoutingContext> {
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT true FROM workspaces WHERE id = $1) AS "workspaceExists",
         (SELECT json_object_agg(source_type, id) FROM config_versions WHERE workspace_id = $1 AND status = 'ACTIVE') AS "activeIds",
         (SELECT coalesce(json_agg(json_build_object('siteCode', site_code, 'clusterCode', cluster_code, 'region', region)), '[]'::json) FROM sites
           WHERE workspace_id = $1) AS sites,
         (SELECT coalesce(json_agg(DISTINCT user_id), '[]'::json) FROM workspace_members WHERE workspace_id = $1 AND status = 'ACTIVE') AS members`,
      [workspaceId],
    )) as Array<{
      workspaceExists: boolean | null;
      activeIds: Record<string, string> | null;
      sites: SiteLocation[];
      members: string[];
    }>;
    return {
      workspaceExists: row.workspaceExists === true,
      activeIds: row.activeIds ?? {},
      sites: new Map(row.sites.map((s) => [normaliseSiteCode(s.siteCode as string), s])),
      activeMembers: new Set(row.members),
    };
  }

  /** `activeIds`: source type → ACTIVE version id, when the caller has read them already. */
  async routingFor(workspaceId: string, activeIds?: Record<string, string>): Promise<CompiledRouting> {
    const manager = this.dataSource.manager;
    const cached =
      activeIds &&
      this.compiled.find({
        approvalMatrix: activeIds.APPROVAL_MATRIX,
        clusterMapping: activeIds.CLUSTER_MAPPING,
        scopeConfig: activeIds.SCOPE_CONFIG,
      });
    if (cached) return cached;
    const [matrix, mapping, scopes] = await Promise.all([
      this.versions.findActive(manager, workspaceId, 'APPROVAL_MATRIX'),
      this.versions.findActive(manager, workspaceId, 'CLUSTER_MAPPING'),
      this.versions.findActive(manager, workspaceId, 'SCOPE_CONFIG'),
    ]);
    if (!matrix || !mapping || !scopes) {
      throw new ConflictError(
        'NO_ACTIVE_CONFIG',
        'routing needs an ACTIVE APPROVAL_MATRIX, CLUSTER_MAPPING and SCOPE_CONFIG',
        {
          missing: [!matrix && 'APPROVAL_MATRIX', !mapping && 'CLUSTER_MAPPING', !scopes && 'SCOPE_CONFIG'].filter(
            Boolean,
          ),
        },
      );
    }
    const ids = { approvalMatrix: matrix.id, clusterMapping: mapping.id, scopeConfig: scopes.id };
    let routing = this.compiled.find(ids);
    if (!routing) {
      routing = compileRouting({
        approvalMatrix: (await this.snapshots.read(manager, matrix)) as ApprovalMatrixSnapshot,
        clusterMapping: (await this.snapshots.read(manager, mapping)) as ClusterMappingSnapshot,
        scopeConfig: (await this.snapshots.read(manager, scopes)) as ScopeConfigSnapshot,
      });
      this.compiled.remember(ids, routing);
    }
    return routing;
  }
}
