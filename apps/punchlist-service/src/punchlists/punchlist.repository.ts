import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PunchlistItemIssuedV1, PunchlistOriginV1, PunchSeverity } from '@atp/contracts';
import { NotFoundError } from '@atp/platform-http';
import type { ItemStatus } from '../items/item-transitions';
import { itemCodeOf, type NewPunchItem } from './punch-item-rules';

export interface PunchlistRow {
  id: string;
  workspaceId: string;
  workflowInstanceId: string;
  workflowStageId: string;
  submissionId: string;
  origin: PunchlistOriginV1;
  status: 'OPEN' | 'CLEARED';
  issuedBy: string;
  issuedAt: Date;
}

export interface ItemRow {
  id: string;
  punchlistId: string;
  itemNumber: number;
  itemCode: string;
  severity: PunchSeverity;
  status: ItemStatus;
  evidenceDocId: string | null;
}

/** What an audit row records: the item's creation, or the status it moved to. */
export type HistoryAction = 'CREATED' | Exclude<ItemStatus, 'OPEN'>;

export interface HistoryDraft {
  workspaceId: string;
  punchlistId: string;
  itemId: string;
  action: HistoryAction;
  fromStatus: ItemStatus | null;
  toStatus: ItemStatus;
  actorId: string;
  at: Date;
  comment: string | null;
  evidenceId?: string | null;
}

const PUNCHLIST_COLUMNS = `id, workspace_id AS "workspaceId", workflow_instance_id AS "workflowInstanceId", workflow_stage_id AS "workflowStageId",
  submission_id AS "submissionId", origin, status, issued_by AS "issuedBy", issued_at AS "issuedAt"`;
const ITEM_COLUMNS = `id, punchlist_id AS "punchlistId", item_number AS "itemNumber", item_code AS "itemCode", severity, status,
  evidence_doc_id AS "evidenceDocId"`;

/** Punchlists, items and their history; every query names the workspace. */
@Injectable()
export class PunchlistRepository {
  /** Null when the stage has a punchlist already (a redelivered or replayed decision). */
  async insertPunchlist(
    manager: EntityManager,
    row: { workspaceId: string; workflowInstanceId: string; workflowStageId: string; submissionId: string; origin: PunchlistOriginV1;
      issuedBy: string; issuedAt: Date; notes: string | null; sourceEventId: string },
  ): Promise<string | null> {
    const inserted = (await manager.query(
      `INSERT INTO punchlists (workspace_id, workflow_instance_id, workflow_stage_id, submission_id, origin, issued_by, issued_at, notes,
         source_event_id, last_progress_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7)
       ON CONFLICT (workflow_stage_id) DO NOTHING RETURNING id`,
      [row.workspaceId, row.workflowInstanceId, row.workflowStageId, row.submissionId, row.origin, row.issuedBy, row.issuedAt, row.notes, row.sourceEventId],
    )) as Array<{ id: string }>;
    return inserted[0]?.id ?? null;
  }

  /** Inserts items numbered from the punchlist's next free number (the caller holds the punchlist lock). */
  async insertItems(
    manager: EntityManager,
    punchlist: { id: string; workspaceId: string },
    items: readonly NewPunchItem[],
    identifiedBy: string,
    at: Date,
  ): Promise<PunchlistItemIssuedV1[]> {
    const [{ next }] = (await manager.query(`SELECT COALESCE(max(item_number), 0) + 1 AS next FROM punchlist_items WHERE punchlist_id = $1`, [
      punchlist.id,
    ])) as Array<{ next: number }>;
    const numbers = items.map((_, index) => Number(next) + index);
    const rows = (await manager.query(
      `INSERT INTO punchlist_items (workspace_id, punchlist_id, item_number, item_code, description, severity, assigned_team, target_date,
         identified_by, last_action_at)
       SELECT $1, $2, n, code, description, severity, team, target::date, $3, $4
         FROM unnest($5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS i(n, code, description, severity, team, target)
       RETURNING id, item_number AS "itemNumber", item_code AS "itemCode", description, severity`,
      [
        punchlist.workspaceId, punchlist.id, identifiedBy, at, numbers,
        items.map((item, index) => itemCodeOf(item.itemCode, numbers[index])),
        items.map((item) => item.description),
        items.map((item) => item.severity),
        items.map((item) => item.assignedTeam ?? null),
        items.map((item) => item.targetDate ?? null),
      ],
    )) as Array<{ id: string; itemNumber: number; itemCode: string; description: string; severity: PunchSeverity }>;
    const issued = rows.map((r) => ({ itemId: r.id, itemNumber: r.itemNumber, itemCode: r.itemCode, description: r.description, severity: r.severity }));
    await this.appendHistory(manager, issued.map((item) => ({
      workspaceId: punchlist.workspaceId, punchlistId: punchlist.id, itemId: item.itemId, action: 'CREATED' as const, fromStatus: null,
      toStatus: 'OPEN' as const, actorId: identifiedBy, at, comment: null,
    })));
    return issued.sort((a, b) => a.itemNumber - b.itemNumber);
  }

  async appendHistory(manager: EntityManager, drafts: readonly HistoryDraft[]): Promise<void> {
    if (drafts.length === 0) return;
    await manager.query(
      `INSERT INTO punchlist_item_history (workspace_id, punchlist_id, punchlist_item_id, action, from_status, to_status, actor_user_id,
         action_at, comment, evidence_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::text[])`,
      [
        drafts.map((d) => d.workspaceId), drafts.map((d) => d.punchlistId), drafts.map((d) => d.itemId), drafts.map((d) => d.action),
        drafts.map((d) => d.fromStatus), drafts.map((d) => d.toStatus), drafts.map((d) => d.actorId), drafts.map((d) => d.at),
        drafts.map((d) => d.comment), drafts.map((d) => d.evidenceId ?? null),
      ],
    );
  }

  /** The punchlist, locked: moves of one punchlist serialise, which makes "every item CLOSED" exact. */
  async lockPunchlist(manager: EntityManager, workspaceId: string, punchlistId: string): Promise<PunchlistRow> {
    const rows = (await manager.query(`SELECT ${PUNCHLIST_COLUMNS} FROM punchlists WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [
      workspaceId, punchlistId,
    ])) as PunchlistRow[];
    if (!rows[0]) throw new NotFoundError('punchlist', punchlistId);
    return rows[0];
  }

  async findPunchlist(manager: EntityManager, workspaceId: string, punchlistId: string): Promise<PunchlistRow> {
    const rows = (await manager.query(`SELECT ${PUNCHLIST_COLUMNS} FROM punchlists WHERE workspace_id = $1 AND id = $2`, [workspaceId, punchlistId])) as PunchlistRow[];
    if (!rows[0]) throw new NotFoundError('punchlist', punchlistId);
    return rows[0];
  }

  async itemOf(manager: EntityManager, punchlistId: string, itemId: string): Promise<ItemRow> {
    const rows = (await manager.query(`SELECT ${ITEM_COLUMNS} FROM punchlist_items WHERE punchlist_id = $1 AND id = $2`, [punchlistId, itemId])) as ItemRow[];
    if (!rows[0]) throw new NotFoundError('punch item', itemId);
    return rows[0];
  }

  async setItemStatus(
    manager: EntityManager,
    itemId: string,
    from: ItemStatus,
    to: ItemStatus,
    change: { at: Date; actorId: string; evidenceId?: string },
  ): Promise<void> {
    const closing = to === 'CLOSED';
    const updated = (await manager.query(
      `UPDATE punchlist_items SET status = $3, evidence_doc_id = COALESCE($4, evidence_doc_id), last_action_at = $5, updated_at = now(),
         closed_by = CASE WHEN $6 THEN $7 ELSE NULL END, closed_at = CASE WHEN $6 THEN $5::timestamptz ELSE NULL END
       WHERE id = $1 AND status = $2`,
      [itemId, from, to, change.evidenceId ?? null, change.at, closing, change.actorId],
    )) as [unknown[], number];
    if (updated[1] !== 1) throw new Error(`item ${itemId} changed under the punchlist lock`);
  }

  async recordProgress(manager: EntityManager, punchlistId: string, at: Date): Promise<void> {
    await manager.query(`UPDATE punchlists SET last_progress_at = $2, reminded_at = NULL, stalled_at = NULL, updated_at = now() WHERE id = $1`, [punchlistId, at]);
  }

  async openItemCount(manager: EntityManager, punchlistId: string): Promise<number> {
    const [{ n }] = (await manager.query(`SELECT count(*)::int AS n FROM punchlist_items WHERE punchlist_id = $1 AND status <> 'CLOSED'`, [punchlistId])) as Array<{ n: number }>;
    return n;
  }

  async clear(manager: EntityManager, punchlistId: string, by: string, at: Date): Promise<void> {
    await manager.query(`UPDATE punchlists SET status = 'CLEARED', cleared_by = $2, cleared_at = $3, stalled_at = NULL, updated_at = now() WHERE id = $1`, [
      punchlistId, by, at,
    ]);
  }

  async openPunchlistsOfWorkflow(manager: EntityManager, workspaceId: string, workflowInstanceId: string): Promise<number> {
    const [{ n }] = (await manager.query(`SELECT count(*)::int AS n FROM punchlists WHERE workspace_id = $1 AND workflow_instance_id = $2 AND status = 'OPEN'`, [
      workspaceId, workflowInstanceId,
    ])) as Array<{ n: number }>;
    return n;
  }
}
