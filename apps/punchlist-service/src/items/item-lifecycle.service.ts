import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PunchItemStatusChangedV1, PunchlistClearedV1, type PunchEvidenceRefV1 } from '@atp/contracts';
import { ConflictError, IdempotencyStore, type StoredResponse } from '@atp/platform-http';
import { inTransaction } from '@atp/platform-database';
import { Clock } from '../clock/clock';
import { PunchlistEventsPublisher } from '../punchlists/punchlist-events.publisher';
import { PunchlistRepository, type ItemRow, type PunchlistRow } from '../punchlists/punchlist.repository';
import type { ReceivedEvidence } from '../evidence/evidence-upload';
import { decideMove, type ItemAction, type ItemStatus } from './item-transitions';

export interface MoveCommand {
  workspaceId: string;
  punchlistId: string;
  itemId: string;
  action: ItemAction;
  actorId: string;
  actorRoles: readonly string[];
  comment: string | null;
  idempotencyKey: string | null;
  /** RECTIFY only: the file already streamed into the store. */
  evidence?: ReceivedEvidence;
}

export interface MoveResult {
  punchlistId: string;
  punchlistStatus: 'OPEN' | 'CLEARED';
  item: {
    id: string;
    itemNumber: number;
    status: ItemStatus;
    previousStatus: ItemStatus;
    evidence: PunchEvidenceRefV1 | null;
  };
}

/**
 * One item move = one transaction: idempotency claim, the item's row lock (moves of one item serialise;
 * a CLOSE also takes the punchlist's, so "every item CLOSED" is exact), the transition table's verdict,
 * the item update, an audit row, progress, outbox events; clearing when the last item closes.
 */
@Injectable()
export class ItemLifecycle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly punchlists: PunchlistRepository,
    private readonly events: PunchlistEventsPublisher,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /** A cheap check before an upload is streamed: refuses a move that cannot happen without storing anything. */
  async precheck(
    command: Pick<MoveCommand, 'workspaceId' | 'punchlistId' | 'itemId' | 'action' | 'actorId' | 'actorRoles'>,
  ): Promise<void> {
    const manager = this.dataSource.manager;
    const punchlist = await this.punchlists.findPunchlist(manager, command.workspaceId, command.punchlistId);
    const item = await this.punchlists.itemOf(manager, punchlist.id, command.itemId);
    decideMove(command.action, item.status, {
      workspaceRoles: command.actorRoles,
      isIssuer: punchlist.issuedBy === command.actorId,
    });
  }

  /** Whether an evidence row points at this blob (an upload answered by an idempotent replay does not). */
  async blobInUse(blobKey: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM punchlist_evidence WHERE blob_key = $1`, [
      blobKey,
    ])) as unknown[];
    return rows.length > 0;
  }

  async move(command: MoveCommand): Promise<StoredResponse> {
    const route = `${command.action}:${command.punchlistId}:${command.itemId}`;
    const fingerprintBody = { comment: command.comment, sha256: command.evidence?.sha256 ?? null };
    return inTransaction(this.dataSource, async (manager) => {
      return this.idempotency.run(
        manager,
        { workspaceId: command.workspaceId, callerId: command.actorId, key: command.idempotencyKey },
        route,
        fingerprintBody,
        async () => ({
          status: 200,
          body: await this.apply(manager, command),
        }),
      );
    });
  }

  private async apply(manager: EntityManager, command: MoveCommand): Promise<MoveResult> {
    const now = this.clock.now();
    const locked = await this.punchlists.lockItem(manager, command.workspaceId, command.punchlistId, command.itemId);
    const { item } = locked;
    const transition = decideMove(command.action, item.status, {
      workspaceRoles: command.actorRoles,
      isIssuer: locked.punchlist.issuedBy === command.actorId,
    });
    // Only a CLOSE can leave no item open: closes of one punchlist serialise, so the last one sees 0 exactly.
    const punchlist =
      transition.to === 'CLOSED'
        ? await this.punchlists.lockPunchlist(manager, command.workspaceId, locked.punchlist.id)
        : locked.punchlist;
    if (punchlist.status !== 'OPEN') {
      throw new ConflictError('PUNCHLIST_CLEARED', `punchlist ${punchlist.id} is ${punchlist.status}`, {
        currentStatus: punchlist.status,
      });
    }
    const evidence = command.evidence
      ? await this.insertEvidence(manager, punchlist, item, command.evidence, command.actorId, now)
      : null;
    const { openItems } = await this.punchlists.applyMove(manager, {
      punchlist,
      item,
      to: transition.to,
      at: now,
      actorId: command.actorId,
      comment: command.comment,
      evidenceId: evidence?.evidenceId ?? null,
    });
    const context = { workspaceId: punchlist.workspaceId, actorId: command.actorId, occurredAt: now };
    await this.events.publish(
      manager,
      PunchItemStatusChangedV1,
      punchlist.id,
      {
        punchlistId: punchlist.id,
        workflowInstanceId: punchlist.workflowInstanceId,
        submissionId: punchlist.submissionId,
        itemId: item.id,
        itemNumber: item.itemNumber,
        fromStatus: item.status,
        toStatus: transition.to,
        actorId: command.actorId,
        comment: command.comment,
        changedAt: now.toISOString(),
        evidence,
      },
      context,
    );
    let punchlistStatus: 'OPEN' | 'CLEARED' = 'OPEN';
    if (openItems === 0) {
      await this.clear(manager, punchlist, command.actorId, now);
      punchlistStatus = 'CLEARED';
    }
    return {
      punchlistId: punchlist.id,
      punchlistStatus,
      item: { id: item.id, itemNumber: item.itemNumber, status: transition.to, previousStatus: item.status, evidence },
    };
  }

  private async clear(manager: EntityManager, punchlist: PunchlistRow, actorId: string, now: Date): Promise<void> {
    await this.punchlists.clear(manager, punchlist.id, actorId, now);
    // Punchlists of one workflow clear under different locks; two clearing at once could both count the
    // other as open. The workflow-wide advisory lock makes the last one see 0.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `punchlists-of:${punchlist.workflowInstanceId}`,
    ]);
    const open = await this.punchlists.openPunchlistsOfWorkflow(
      manager,
      punchlist.workspaceId,
      punchlist.workflowInstanceId,
    );
    await this.events.publish(
      manager,
      PunchlistClearedV1,
      punchlist.id,
      {
        punchlistId: punchlist.id,
        workflowInstanceId: punchlist.workflowInstanceId,
        workflowStageId: punchlist.workflowStageId,
        submissionId: punchlist.submissionId,
        clearedBy: actorId,
        clearedAt: now.toISOString(),
        openPunchlistsOfWorkflow: open,
      },
      { workspaceId: punchlist.workspaceId, actorId, occurredAt: now },
    );
  }

  private async insertEvidence(
    manager: EntityManager,
    punchlist: PunchlistRow,
    item: ItemRow,
    evidence: ReceivedEvidence,
    actorId: string,
    now: Date,
  ): Promise<PunchEvidenceRefV1> {
    const [row] = (await manager.query(
      `INSERT INTO punchlist_evidence (workspace_id, punchlist_item_id, version, blob_key, file_name, content_type, size_bytes, sha256,
         uploaded_by, uploaded_at, comment)
       SELECT $1, $2, COALESCE(max(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10 FROM punchlist_evidence WHERE punchlist_item_id = $2
       RETURNING id, version`,
      [
        punchlist.workspaceId,
        item.id,
        evidence.blobKey,
        evidence.fileName,
        evidence.contentType,
        evidence.sizeBytes,
        evidence.sha256,
        actorId,
        now,
        evidence.comment,
      ],
    )) as Array<{ id: string; version: number }>;
    return {
      evidenceId: row.id,
      version: row.version,
      fileName: evidence.fileName,
      contentType: evidence.contentType,
      sizeBytes: evidence.sizeBytes,
      sha256: evidence.sha256,
    };
  }
}
