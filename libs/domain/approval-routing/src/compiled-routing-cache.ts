import type { CompiledRouting } from './route';

/** The three config versions a routing is compiled from (ids; a version's content never changes once active). */
export interface RoutingVersionIds {
  approvalMatrix: string;
  clusterMapping: string;
  scopeConfig: string;
}

/**
 * Compiled routings by version triple, least recently used evicted past `capacity`. Versions are immutable, so an
 * entry never goes stale: a new version has a new id. Shared by config-service's dry run (ACTIVE versions) and
 * workflow-service's start (the versions a submission pinned).
 */
export class CompiledRoutingCache {
  private readonly entries = new Map<string, CompiledRouting>();

  constructor(private readonly capacity = 64) {}

  find(ids: RoutingVersionIds): CompiledRouting | undefined {
    const key = keyOf(ids);
    const routing = this.entries.get(key);
    if (routing) {
      this.entries.delete(key);
      this.entries.set(key, routing); // most recently used last
    }
    return routing;
  }

  remember(ids: RoutingVersionIds, routing: CompiledRouting): CompiledRouting {
    this.entries.delete(keyOf(ids));
    this.entries.set(keyOf(ids), routing);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return routing;
  }
}

const keyOf = (ids: RoutingVersionIds) => `${ids.approvalMatrix}|${ids.clusterMapping}|${ids.scopeConfig}`;
