import type { WorkspaceRole } from './access-policy';

/**
 * Where a service learns a caller's roles in a workspace: config-service reads its own
 * `workspace_members`, the other services their replica of it. An empty answer means "not an active
 * member" (answered 404, so a stranger cannot even learn that the workspace exists).
 */
export abstract class MembershipSource {
  abstract activeRoles(workspaceId: string, userId: string): Promise<WorkspaceRole[]>;

  /** Called after a change of memberships or users committed: a source that caches answers drops them. */
  forget(): void {
    // An uncached source reads every answer fresh.
  }
}

/** How long a cached answer may be used (see `CachedMembershipSource` for why this bound is safe). */
export const MEMBERSHIP_CACHE_MS = 1000;
const MAX_ENTRIES = 10_000;

/**
 * A membership source that remembers each (workspace, user) answer for at most `MEMBERSHIP_CACHE_MS`, so
 * the access guard costs no database round trip on most requests of a busy caller (issue 7 benchmark).
 *
 * Why a revoked member still loses access once the change is applied:
 * - In this process, the code that changes memberships or users calls `forget()` after its commit; every
 *   answer is dropped, and a lookup that was already running when `forget()` was called does not store its
 *   (possibly older) answer (the generation check), so the next request reads the committed state.
 * - In another pod of the same service the answer it cached before the commit is used for at most
 *   `MEMBERSHIP_CACHE_MS` more. The same change reaches the other services through the outbox and Kafka (an
 *   outbox poll interval, 1 s by default, then a consumer fetch): a one-second bound keeps every pod of this
 *   service within the propagation the platform already accepts for the replicas. And a request authorised
 *   just before the commit completes after it, cache or not: access was never cut at the commit's instant.
 * - The replicas (workflow-, submission-, punchlist-service) learn a change from their reference consumer, which
 *   forgets once it has committed the change (`afterCommit`); only the pod that consumed the event does. Its other
 *   pods refuse a revoked member at most `MEMBERSHIP_CACHE_MS` after the replica row changed, on top of the
 *   propagation a replica has anyway. What it buys: the guard's round trip was one of the six or seven statements of
 *   an upload or a submission and one of the four or five of a decision.
 */
export abstract class CachedMembershipSource extends MembershipSource {
  private readonly answers = new Map<string, { roles: WorkspaceRole[]; until: number }>();
  private generation = 0;

  /** The committed roles, read from the database (the cache calls it on a miss). */
  protected abstract lookUp(workspaceId: string, userId: string): Promise<WorkspaceRole[]>;

  async activeRoles(workspaceId: string, userId: string): Promise<WorkspaceRole[]> {
    const key = `${workspaceId}\u0000${userId}`;
    const cached = this.answers.get(key);
    if (cached && Date.now() < cached.until) return cached.roles;
    const generation = this.generation;
    const roles = await this.lookUp(workspaceId, userId);
    if (generation === this.generation) {
      if (this.answers.size >= MAX_ENTRIES) this.answers.clear();
      this.answers.set(key, { roles, until: Date.now() + MEMBERSHIP_CACHE_MS });
    }
    return roles;
  }

  override forget(): void {
    this.generation += 1;
    this.answers.clear();
  }
}
