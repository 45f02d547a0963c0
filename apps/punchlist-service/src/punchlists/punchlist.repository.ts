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

const PUNCHLIST_COLUMNS = `id, workspace_id AS "workspaceId", workflow_instance_id AS "workflowInstanceId", workflow_stage_id AS "workflowStageId",
  submission_id AS "submissionId", origin, status, issued_by AS "issuedBy"`;
const ITEM_COLUMNS = `id, punchlist_id AS "punchlistId", item_number AS "itemNumber", item_code AS "itemCode", severity, status,
  evidence_doc_id AS "evidenceDocId"`;

/** Punchlists, items and their history; every query names the workspace. */
@Injectable()
export class PunchlistRepository {
  /** Null when the stage has a punchlist already (a redelivered or replayed decision). */
  async insertPunchlist(
    manager: EntityManager,
    row: {
      workspaceId: string;
      workflowInstanceId: string;
      workflowStageId: string;
      submissionId: string;
      origin: PunchlistOriginV1;
      issuedBy: string;
      issuedAt: Date;
      notes: string | null;
      sourceEventId: string;
    },
  ): Promise<string | null> {
    const inserted = (await manager.query(
      `INSERT INTO punchlists (workspace_id, workflow_instance_id, workflow_stage_id, submission_id, origin, issued_by, issued_at, notes,
         source_event_id, last_progress_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7)
       ON CONFLICT (workflow_stage_id) DO NOTHING RETURNING id`,
      [
        row.workspaceId,
        row.workflowInstanceId,
        row.workflowStageId,
        row.submissionId,
        row.origin,
        row.issuedBy,
        row.issuedAt,
        row.notes,
        row.sourceEventId,
      ],
    )) as Array<{ id: string }>;
    return inserted[0]?.id ?? null;
  }

  /**
   * Inserts items numbered from the punchlist's next free number (the caller holds the punchlist lock,
   * or just created it: `firstNumber` 1 saves the lookup), with their CREATED audit rows, in one statement.
   */
  async insertItems(
    manager: EntityManager,
    punchlist: { id: string; workspaceId: string },
    items: readonly NewPunchItem[],
    identifiedBy: string,
    at: Date,
    firstNumber?: number,
  ): Promise<PunchlistItemIssuedV1[]> {
    let next = firstNumber;
    if (next === undefined) {
      const [row] = (await manager.query(
        `SELECT COALESCE(max(item_number), 0) + 1 AS next FROM punchlist_items WHERE punchlist_id = $1`,
        [punchlist.id],
      )) as Array<{ next: number }>;
      next = Number(row.next);
    }
    const numbers = items.map((_, index) => (next as number) + index);
    const rows = (await manager.query(
      `WITH inserted AS (
         INSERT INTO punchlist_items (workspace_id, punchlist_id, item_number, item_code, description, severity, assigned_team, target_date,
           identified_by, last_action_at)
         SELECT $1, $2, n, code, description, severity, team, target::date, $3, $4
           FROM unnest($5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS i(n, code, description, severity, team, target)
         RETURNING id, item_number, item_code, description, severity),
       audit AS (
         INSERT INTO punchlist_item_history (workspace_id, punchlist_id, punchlist_item_id, action, from_status, to_status, actor_user_id, action_at)
         SELECT $1, $2, id, 'CREATED', NULL, 'OPEN', $3, $4 FROM inserted)
       SELECT id AS "itemId", item_number AS "itemNumber", item_code AS "itemCode", description, severity FROM inserted ORDER BY item_number`,
      [
        punchlist.workspaceId,
        punchlist.id,
        identifiedBy,
        at,
        numbers,
        items.map((item, index) => itemCodeOf(item.itemCode, numbers[index])),
        items.map((item) => item.description),
        items.map((item) => item.severity),
        items.map((item) => item.assignedTeam ?? null),
        items.map((item) => item.targetDate ?? null),
      ],
    )) as PunchlistItemIssuedV1[];
    return rows;
  }

  /** The punchlist, locked: moves of one punchlist serialise, which makes "every item CLOSED" exact. */
  async lockPunchlist(manager: EntityManager, workspaceId: string, punchlistId: string): Promise<PunchlistRow> {
    const rows = (await manager.query(
      `SELECT ${PUNCHLIST_COLUMNS} FROM punchlists WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
      [workspaceId, punchlistId],
    )) as PunchlistRow[];
    if (!rows[0]) throw new NotFoundError('punchlist', punchlistId);
    return rows[0];
  }

  /**
   * One item of a punchlist, row-locked, with its punchlist, in one round trip; 404 naming whichever is
   * missing. Moves of one item serialise on the item's lock; only a CLOSE also needs the punchlist's
   * (`lockPunchlist`, always taken after the item's, so the order is the same everywhere).
   */
  async lockItem(
    manager: EntityManager,
    workspaceId: string,
    punchlistId: string,
    itemId: string,
  ): Promise<{ punchlist: PunchlistRow; item: ItemRow }> {
    const rows = (await manager.query(
      `SELECT row_to_json(p_cols) AS punchlist, row_to_json(i_cols) AS item
       FROM punchlists p JOIN punchlist_items i ON i.punchlist_id = p.id,
         LATERAL (SELECT p.id, p.workspace_id AS "workspaceId", p.workflow_instance_id AS "workflowInstanceId", p.workflow_stage_id AS "workflowStageId",
           p.submission_id AS "submissionId", p.origin, p.status, p.issued_by AS "issuedBy") p_cols,
         LATERAL (SELECT i.id, i.punchlist_id AS "punchlistId", i.item_number AS "itemNumber", i.item_code AS "itemCode", i.severity, i.status,
           i.evidence_doc_id AS "evidenceDocId") i_cols
       WHERE p.workspace_id = $1 AND p.id = $2 AND i.id = $3
       FOR UPDATE OF i`,
      [workspaceId, punchlistId, itemId],
    )) as Array<{ punchlist: PunchlistRow; item: ItemRow }>;
    if (rows[0]) return rows[0];
    await this.findPunchlist(manager, workspaceId, punchlistId);
    throw new NotFoundError('punch item', itemId);
  }

  /**
   * One move in one statement: the item's new status (and current evidence), its audit row, the
   * punchlist's progress stamp. Answers how many items are not CLOSED afterwards (exact for a CLOSE, whose
   * caller holds the punchlist's lock; any other move leaves its own item open).
   *
   * The stamp is rewritten only when it is a minute old (or a reminder or STALLED flag is to be lifted):
   * the stall rules count whole days, and a punchlist row updated by every move would serialise all
   * moves of the punchlist on its lock.
   */
  async applyMove(
    manager: EntityManager,
    move: {
      punchlist: PunchlistRow;
      item: ItemRow;
      to: ItemStatus;
      at: Date;
      actorId: string;
      comment: string | null;
      evidenceId: string | null;
    },
  ): Promise<{ openItems: number }> {
    const { punchlist, item } = move;
    const rows = (await manager.query(
      `WITH moved AS (
         UPDATE punchlist_items SET status = $3::text, evidence_doc_id = COALESCE($4::text, evidence_doc_id), last_action_at = $5::timestamptz,
           updated_at = now(), closed_by = CASE WHEN $3::text = 'CLOSED' THEN $6::text END,
           closed_at = CASE WHEN $3::text = 'CLOSED' THEN $5::timestamptz END
         WHERE id = $1::text AND status = $2::text RETURNING id),
       audit AS (
         INSERT INTO punchlist_item_history (workspace_id, punchlist_id, punchlist_item_id, action, from_status, to_status, actor_user_id, action_at,
           comment, evidence_id)
         SELECT $7::uuid, $8::text, id, $3::text, $2::text, $3::text, $6::text, $5::timestamptz, $9::text, $4::text FROM moved),
       progress AS (
         UPDATE punchlists SET last_progress_at = $5::timestamptz, reminded_at = NULL, stalled_at = NULL, updated_at = now()
         WHERE id = $8::text AND EXISTS (SELECT 1 FROM moved)
           AND (last_progress_at < $5::timestamptz - interval '1 minute' OR reminded_at IS NOT NULL OR stalled_at IS NOT NULL))
       SELECT (SELECT count(*)::int FROM moved) AS moved,
         (SELECT count(*)::int FROM punchlist_items WHERE punchlist_id = $8::text AND id <> $1::text AND status <> 'CLOSED')
           + CASE WHEN $3::text = 'CLOSED' THEN 0 ELSE 1 END AS "openItems"`,
      [
        item.id,
        item.status,
        move.to,
        move.evidenceId,
        move.at,
        move.actorId,
        punchlist.workspaceId,
        punchlist.id,
        move.comment,
      ],
    )) as Array<{ moved: number; openItems: number }>;
    if (rows[0].moved !== 1) throw new Error(`item ${item.id} changed under its lock`);
    return { openItems: rows[0].openItems };
  }

  async findPunchlist(manager: EntityManager, workspaceId: string, punchlistId: string): Promise<PunchlistRow> {
    const rows = (await manager.query(
      `SELECT ${PUNCHLIST_COLUMNS} FROM punchlists WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, punchlistId],
    )) as PunchlistRow[];
    if (!rows[0]) throw new NotFoundError('punchlist', punchlistId);
    return rows[0];
  }

  async itemOf(manager: EntityManager, punchlistId: string, itemId: string): Promise<ItemRow> {
    const rows = (await manager.query(
      `SELECT ${ITEM_COLUMNS} FROM punchlist_items WHERE punchlist_id = $1 AND id = $2`,
      [punchlistId, itemId],
    )) as ItemRow[];
    if (!rows[0]) throw new NotFoundError('punch item', itemId);
    return rows[0];
  }

  async recordProgress(manager: EntityManager, punchlistId: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE punchlists SET last_progress_at = $2, reminded_at = NULL, stalled_at = NULL, updated_at = now() WHERE id = $1`,
      [punchlistId, at],
    );
  }

  async clear(manager: EntityManager, punchlistId: string, by: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE punchlists SET status = 'CLEARED', cleared_by = $2, cleared_at = $3, stalled_at = NULL, updated_at = now() WHERE id = $1`,
      [punchlistId, by, at],
    );
  }

  async openPunchlistsOfWorkflow(
    manager: EntityManager,
    workspaceId: string,
    workflowInstanceId: string,
  ): Promise<number> {
    const [{ n }] = (await manager.query(
      `SELECT count(*)::int AS n FROM punchlists WHERE workspace_id = $1 AND workflow_instance_id = $2 AND status = 'OPEN'`,
      [workspaceId, workflowInstanceId],
    )) as Array<{ n: number }>;
    return n;
  }
}
