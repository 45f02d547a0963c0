import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SourceType } from '@atp/approval-routing';
import { inTransaction } from '@atp/platform-database';
import {
  ConflictError,
  decodeCursor,
  encodeCursor,
  IdempotencyStore,
  type IdempotentRequest,
  type Page,
} from '@atp/platform-http';
import { assertActorExists, assertWorkspaceExists, lockWorkspace } from '../common/workspace-access';
import { RoutingContextCache } from '../routing/routing-context.cache';
import { assertActivatable, assertTransition } from './config-version-lifecycle';
import type { ConfigVersionRecord } from './config-version.record';
import { ConfigVersionEvent, ConfigVersionEvents } from './config-version-events';
import { ConfigVersionsRepository } from './config-versions.repository';
import { MasterRowsRepository } from './master-rows.repository';
import { SnapshotReader } from './snapshot.reader';

/** The lifecycle of domain §2: activate, archive, rollback (clone-and-activate), delete a DRAFT. */
@Injectable()
export class ConfigVersionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: ConfigVersionsRepository,
    private readonly masterRows: MasterRowsRepository,
    private readonly snapshots: SnapshotReader,
    private readonly events: ConfigVersionEvents,
    private readonly routingContexts: RoutingContextCache,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /** Runs a write and, after it committed, drops the workspace's cached routing context (dry runs). */
  private async changingRouting<T>(workspaceId: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.routingContexts.invalidate(workspaceId);
    }
  }

  async list(
    workspaceId: string,
    f: { sourceType?: SourceType; cursor?: string; limit: number },
  ): Promise<Page<ConfigVersionRecord>> {
    const manager = this.dataSource.manager;
    await assertWorkspaceExists(manager, workspaceId);
    const after = decodeCursor<{ sourceType: string; versionNumber: number }>(f.cursor, [
      'sourceType',
      'versionNumber',
    ]);
    const rows = await this.versions.list(manager, workspaceId, {
      sourceType: f.sourceType,
      after,
      limit: f.limit + 1,
    });
    const items = rows.slice(0, f.limit);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > f.limit && last
        ? encodeCursor({ sourceType: last.sourceType, versionNumber: last.versionNumber })
        : null;
    return { items, nextCursor };
  }

  async get(workspaceId: string, id: string): Promise<ConfigVersionRecord> {
    return this.versions.find(this.dataSource.manager, workspaceId, id);
  }

  activate(
    workspaceId: string,
    id: string,
    actorId: string,
    idempotency: IdempotentRequest | null = null,
  ): Promise<ConfigVersionRecord> {
    return this.changingRouting(
      workspaceId,
      inTransaction(this.dataSource, (manager) =>
        this.idempotency.once(manager, idempotency, async () => {
          await assertActorExists(manager, actorId);
          await lockWorkspace(manager, workspaceId);
          return this.activateLocked(manager, workspaceId, id, actorId);
        }),
      ),
    );
  }

  /**
   * Demote first, then promote (domain §2.2 step 5): the one-ACTIVE index is not deferrable. Runs inside the
   * caller's transaction with the workspace row locked.
   */
  private async activateLocked(
    manager: EntityManager,
    workspaceId: string,
    id: string,
    actorId: string,
  ): Promise<ConfigVersionRecord> {
    const draft = await this.versions.find(manager, workspaceId, id, { lock: true });
    assertTransition(id, draft.status, 'ACTIVE');
    assertActivatable(id, draft.validationStatus);
    const current = await this.versions.findActive(manager, workspaceId, draft.sourceType, { lock: true });
    if (current && draft.previousVersionId !== current.id) {
      // The draft was imported against another base (domain §2.1: previous_version_id = the ACTIVE at import).
      // Activating it would supersede a version it never saw — possibly a newer one — and fork the chain; the user
      // re-imports instead.
      throw new ConflictError(
        'DRAFT_STALE',
        `config version ${id} was imported against ${draft.previousVersionId ?? 'no ACTIVE version'}, but version ${current.versionNumber} (${current.id}) is ACTIVE now; import the file again to review it against the ACTIVE version (the new import replaces this stale draft), or delete this draft`,
        { previousVersionId: draft.previousVersionId, activeVersionId: current.id },
      );
    }
    if (current) {
      await this.versions.markSuperseded(manager, current.id, id);
      await this.events.lifecycle(
        manager,
        ConfigVersionEvent.superseded,
        await this.versions.find(manager, workspaceId, current.id),
        actorId,
      );
    }
    await this.versions.markActive(manager, id);
    const active = await this.versions.find(manager, workspaceId, id);
    await this.events.lifecycle(manager, ConfigVersionEvent.activated, active, actorId);
    await this.events.snapshot(manager, await this.snapshots.read(manager, active), actorId);
    return active;
  }

  archive(
    workspaceId: string,
    id: string,
    actorId: string,
    idempotency: IdempotentRequest | null = null,
  ): Promise<ConfigVersionRecord> {
    return this.changingRouting(
      workspaceId,
      inTransaction(this.dataSource, (manager) =>
        this.idempotency.once(manager, idempotency, async () => {
          await assertActorExists(manager, actorId);
          await lockWorkspace(manager, workspaceId, { mustBeActive: false });
          const version = await this.versions.find(manager, workspaceId, id, { lock: true });
          assertTransition(id, version.status, 'ARCHIVED');
          await this.refuseWhenPinned(manager, id, 'archived');
          await this.versions.markArchived(manager, id);
          const archived = await this.versions.find(manager, workspaceId, id);
          await this.events.lifecycle(manager, ConfigVersionEvent.archived, archived, actorId);
          return archived;
        }),
      ),
    );
  }

  /**
   * Rollback by clone-and-activate (architecture §3.1, Q14): the chosen older version's rows are copied into a
   * new version (`is_rollback`, next number, `rolled_back_from_id`) which is then activated; history stays linear
   * and no frozen version ever changes.
   */
  rollback(
    workspaceId: string,
    targetId: string,
    actorId: string,
    idempotency: IdempotentRequest | null = null,
  ): Promise<ConfigVersionRecord> {
    return this.changingRouting(
      workspaceId,
      inTransaction(this.dataSource, (manager) =>
        this.idempotency.once(manager, idempotency, async () => {
          await assertActorExists(manager, actorId);
          await lockWorkspace(manager, workspaceId);
          const target = await this.versions.find(manager, workspaceId, targetId);
          if (target.status !== 'SUPERSEDED' && target.status !== 'ARCHIVED') {
            throw new ConflictError(
              'ROLLBACK_TARGET_INVALID',
              `only a SUPERSEDED or ARCHIVED version can be rolled back to; ${targetId} is ${target.status}`,
              { currentStatus: target.status },
            );
          }
          const current = await this.versions.findActive(manager, workspaceId, target.sourceType);
          const cloneId = randomUUID();
          await this.versions.insert(manager, {
            id: cloneId,
            workspaceId,
            sourceType: target.sourceType,
            sourceFileName: target.sourceFileName,
            sourceChecksum: target.sourceChecksum,
            rowCount: target.rowCount,
            validationStatus: target.validationStatus,
            validationErrors: target.validationErrors,
            validationWarnings: target.validationWarnings,
            importedBy: actorId,
            previousVersionId: current?.id ?? null,
            isRollback: true,
            rolledBackFromId: target.id,
            notes: `rollback to version ${target.versionNumber}`,
          });
          await this.masterRows.clone(manager, target.id, cloneId, randomUUID);
          const active = await this.activateLocked(manager, workspaceId, cloneId, actorId);
          await this.events.lifecycle(manager, ConfigVersionEvent.rolledBack, active, actorId);
          return active;
        }),
      ),
    );
  }

  delete(workspaceId: string, id: string, actorId: string): Promise<void> {
    return inTransaction(this.dataSource, async (manager) => {
      await assertActorExists(manager, actorId);
      await lockWorkspace(manager, workspaceId, { mustBeActive: false });
      const version = await this.versions.find(manager, workspaceId, id, { lock: true });
      // Pins first: a version running workflows depend on is refused with their count, whatever its status.
      await this.refuseWhenPinned(manager, id, 'deleted');
      if (version.status !== 'DRAFT') {
        throw new ConflictError(
          'VERSION_NOT_DELETABLE',
          `config version ${id} is ${version.status}; only a DRAFT can be deleted`,
          { currentStatus: version.status },
        );
      }
      await this.masterRows.deleteAll(manager, id);
      await this.versions.delete(manager, id);
      await this.events.lifecycle(manager, ConfigVersionEvent.deleted, version, actorId);
    });
  }

  private async refuseWhenPinned(manager: EntityManager, id: string, verb: string): Promise<void> {
    const pinned = await this.versions.pinnedCount(manager, id);
    if (pinned.total > 0) {
      const by = `${pinned.workflows} running workflow(s) and ${pinned.submissions} open submission(s)`;
      throw new ConflictError('VERSION_PINNED', `config version ${id} is pinned by ${by} and cannot be ${verb}`, {
        pinnedCount: pinned.total,
        pinnedByWorkflows: pinned.workflows,
        pinnedBySubmissions: pinned.submissions,
      });
    }
  }
}
