import { Global, Injectable, Module } from '@nestjs/common';
import type { SiteLocation } from '@atp/approval-routing';

/** What a dry run reads about a workspace besides the (immutable, separately cached) config versions. */
export interface RoutingContext {
  workspaceExists: boolean;
  /** source type → ACTIVE version id. */
  activeIds: Record<string, string>;
  sites: Map<string, SiteLocation>;
  activeMembers: Set<string>;
}

/** How long a context is served without reading it again; bounds the lag behind writes made by another instance. */
export const ROUTING_CONTEXT_TTL_MS = 1000;

/**
 * Per-workspace cache of the routing context, so a dry run costs no database round trip in the common case.
 * Writes in this process that change it (activation, archive, rollback, sites, memberships, workspace state)
 * invalidate their workspace after commit; writes through another instance are seen within the TTL. A dry run is
 * a preview that writes nothing, so that bound is acceptable; workflow starts never read this cache.
 */
@Injectable()
export class RoutingContextCache {
  private readonly entries = new Map<string, { loadedAt: number; context: Promise<RoutingContext> }>();
  private readonly generations = new Map<string, number>();

  async get(
    workspaceId: string,
    load: () => Promise<RoutingContext>,
    ttlMs = ROUTING_CONTEXT_TTL_MS,
  ): Promise<RoutingContext> {
    const now = Date.now();
    const cached = this.entries.get(workspaceId);
    if (cached && now - cached.loadedAt < ttlMs) return cached.context;
    const generation = this.generations.get(workspaceId) ?? 0;
    const context = load();
    this.entries.set(workspaceId, { loadedAt: now, context });
    try {
      return await context;
    } catch (error) {
      this.entries.delete(workspaceId);
      throw error;
    } finally {
      // An invalidation while loading may have raced the read: do not keep what was read.
      if ((this.generations.get(workspaceId) ?? 0) !== generation) this.entries.delete(workspaceId);
    }
  }

  invalidate(workspaceId: string): void {
    this.generations.set(workspaceId, (this.generations.get(workspaceId) ?? 0) + 1);
    this.entries.delete(workspaceId);
  }
}

@Global()
@Module({ providers: [RoutingContextCache], exports: [RoutingContextCache] })
export class RoutingContextCacheModule {}
