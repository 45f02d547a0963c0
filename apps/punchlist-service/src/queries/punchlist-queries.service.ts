import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, NotFoundError, type Page } from '@atp/platform-http';
import { ReferenceRejectionLog } from '@atp/platform-messaging';
import type { ListPunchlistsQuery, TeamItemsQuery } from '../punchlists/dto/punchlist.dto';

export interface PunchlistSummary {
  id: string;
  status: string;
  origin: string;
  workflowInstanceId: string;
  workflowStageId: string;
  submissionId: string;
  siteCode: string | null;
  vendorCode: string | null;
  issuedBy: string;
  issuedAt: string;
  clearedBy: string | null;
  clearedAt: string | null;
  stalled: boolean;
  /** An owner refused one of its references: it needs review (`punchlist.flagInvalidReference`). */
  flagged: boolean;
  lastProgressAt: string;
  itemCount: number;
  openItemCount: number;
}

const SUMMARY = `p.id, p.status, p.origin, p.workflow_instance_id AS "workflowInstanceId", p.workflow_stage_id AS "workflowStageId",
  p.submission_id AS "submissionId", f.site_code AS "siteCode", f.vendor_code AS "vendorCode", p.issued_by AS "issuedBy",
  p.issued_at AS "issuedAt", p.cleared_by AS "clearedBy", p.cleared_at AS "clearedAt", p.stalled_at IS NOT NULL AS stalled,
  p.integrity_flag IS NOT NULL AS flagged, p.last_progress_at AS "lastProgressAt",
  (SELECT count(*)::int FROM punchlist_items i WHERE i.punchlist_id = p.id) AS "itemCount",
  (SELECT count(*)::int FROM punchlist_items i WHERE i.punchlist_id = p.id AND i.status <> 'CLOSED') AS "openItemCount"`;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** Reads of punchlists: lists with filters and keyset pagination, one punchlist in full, a team's open items. */
@Injectable()
export class PunchlistQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(workspaceId: string, query: ListPunchlistsQuery): Promise<Page<PunchlistSummary>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor<{ issuedAt: string; id: string }>(query.cursor, ['issuedAt', 'id']);
    const rows = (await this.dataSource.query(
      `SELECT ${SUMMARY} FROM punchlists p JOIN workflow_facts f ON f.workflow_instance_id = p.workflow_instance_id
       WHERE p.workspace_id = $1
         AND ($2::text IS NULL OR p.workflow_instance_id = $2) AND ($3::text IS NULL OR p.submission_id = $3)
         AND ($4::text IS NULL OR f.site_code = $4) AND ($5::text IS NULL OR f.vendor_code = $5) AND ($6::text IS NULL OR p.status = $6)
         AND ($7::boolean IS NULL OR (p.stalled_at IS NOT NULL) = $7)
         AND ($8::timestamptz IS NULL OR (p.issued_at, p.id) < ($8, $9))
       ORDER BY p.issued_at DESC, p.id DESC LIMIT $10`,
      [
        workspaceId,
        query.workflowInstanceId ?? null,
        query.submissionId ?? null,
        query.siteCode ?? null,
        query.vendorCode ?? null,
        query.status ?? null,
        query.stalled === undefined ? null : query.stalled === 'true',
        after?.issuedAt ?? null,
        after?.id ?? null,
        limit + 1,
      ],
    )) as Array<PunchlistSummary & { issuedAt: Date }>;
    return this.page(
      rows.map((r) => this.summary(r)),
      limit,
      (last) => ({ issuedAt: last.issuedAt, id: last.id }),
    );
  }

  async one(workspaceId: string, punchlistId: string) {
    const [punchlist] = (await this.dataSource.query(
      `SELECT ${SUMMARY}, p.notes, p.integrity_flag AS "integrityFlag", p.flagged_at AS "flaggedAt" FROM punchlists p JOIN workflow_facts f ON f.workflow_instance_id = p.workflow_instance_id
       WHERE p.workspace_id = $1 AND p.id = $2`,
      [workspaceId, punchlistId],
    )) as Array<PunchlistSummary & { notes: string | null; integrityFlag: string | null; flaggedAt: Date | null }>;
    if (!punchlist) throw new NotFoundError('punchlist', punchlistId);
    const [items, evidence, history, referenceRejections] = await Promise.all([
      this.dataSource.query(
        `SELECT id, item_number AS "itemNumber", item_code AS "itemCode", description, severity, status, assigned_team AS "assignedTeam",
           to_char(target_date, 'YYYY-MM-DD') AS "targetDate", identified_by AS "identifiedBy", evidence_doc_id AS "currentEvidenceId",
           closed_by AS "closedBy", closed_at AS "closedAt", last_action_at AS "lastActionAt"
         FROM punchlist_items WHERE punchlist_id = $1 ORDER BY item_number`,
        [punchlistId],
      ) as Promise<Array<Record<string, unknown> & { id: string; closedAt: Date | null; lastActionAt: Date }>>,
      this.dataSource.query(
        `SELECT e.id, e.punchlist_item_id AS "itemId", e.version, e.file_name AS "fileName", e.content_type AS "contentType",
           e.size_bytes::int AS "sizeBytes", e.sha256, e.uploaded_by AS "uploadedBy", e.uploaded_at AS "uploadedAt", e.comment
         FROM punchlist_evidence e JOIN punchlist_items i ON i.id = e.punchlist_item_id WHERE i.punchlist_id = $1 ORDER BY e.version`,
        [punchlistId],
      ) as Promise<Array<Record<string, unknown> & { id: string; itemId: string; uploadedAt: Date }>>,
      this.dataSource.query(
        `SELECT punchlist_item_id AS "itemId", action, from_status AS "fromStatus", to_status AS "toStatus", actor_user_id AS "actorId",
           action_at AS "at", comment, evidence_id AS "evidenceId"
         FROM punchlist_item_history WHERE punchlist_id = $1 ORDER BY id`,
        [punchlistId],
      ) as Promise<Array<Record<string, unknown> & { itemId: string; at: Date }>>,
      ReferenceRejectionLog.ofAggregate(this.dataSource.manager, workspaceId, punchlistId),
    ]);
    const base = `/api/v1/workspaces/${workspaceId}/punchlists/${punchlistId}/items`;
    return {
      ...this.summary(punchlist),
      notes: punchlist.notes,
      integrityFlag: punchlist.integrityFlag,
      flaggedAt: iso(punchlist.flaggedAt),
      referenceRejections,
      items: items.map((item) => ({
        ...item,
        closedAt: iso(item.closedAt),
        lastActionAt: iso(item.lastActionAt),
        evidence: evidence
          .filter((e) => e.itemId === item.id)
          .map(({ itemId, ...e }) => ({
            ...e,
            uploadedAt: iso(e.uploadedAt),
            current: e.id === item.currentEvidenceId,
            contentUrl: `${base}/${itemId}/evidence/${e.id}/content`,
          })),
        history: history
          .filter((h) => h.itemId === item.id)
          .map(({ itemId: _itemId, ...h }) => ({ ...h, at: iso(h.at) })),
      })),
    };
  }

  /** Items not yet CLOSED assigned to a team, soonest target date first (no date last). */
  async openItemsOfTeam(workspaceId: string, team: string, query: TeamItemsQuery) {
    const limit = query.limit ?? 50;
    const after = decodeCursor<{ targetDate: string; id: string }>(query.cursor, ['targetDate', 'id']);
    const rows = (await this.dataSource.query(
      `SELECT i.id, i.punchlist_id AS "punchlistId", p.workflow_instance_id AS "workflowInstanceId", p.submission_id AS "submissionId",
         f.site_code AS "siteCode", f.vendor_code AS "vendorCode", i.item_number AS "itemNumber", i.item_code AS "itemCode", i.description,
         i.severity, i.status, i.assigned_team AS "assignedTeam", COALESCE(to_char(i.target_date, 'YYYY-MM-DD'), '9999-12-31') AS "sortDate",
         to_char(i.target_date, 'YYYY-MM-DD') AS "targetDate"
       FROM punchlist_items i JOIN punchlists p ON p.id = i.punchlist_id JOIN workflow_facts f ON f.workflow_instance_id = p.workflow_instance_id
       WHERE i.workspace_id = $1 AND i.assigned_team = $2 AND i.status <> 'CLOSED' AND ($3::text IS NULL OR i.status = $3)
         AND ($4::text IS NULL OR (COALESCE(i.target_date, '9999-12-31'::date), i.id) > ($4::date, $5))
       ORDER BY COALESCE(i.target_date, '9999-12-31'::date), i.id LIMIT $6`,
      [workspaceId, team, query.status ?? null, after?.targetDate ?? null, after?.id ?? null, limit + 1],
    )) as Array<{ id: string; sortDate: string } & Record<string, unknown>>;
    const page = this.page(rows, limit, (last) => ({ targetDate: last.sortDate, id: last.id }));
    return { ...page, items: page.items.map(({ sortDate: _sortDate, ...item }) => item) };
  }

  async evidenceBlob(workspaceId: string, punchlistId: string, itemId: string, evidenceId: string) {
    const [row] = (await this.dataSource.query(
      `SELECT e.blob_key AS "blobKey", e.file_name AS "fileName", e.content_type AS "contentType", e.size_bytes::bigint AS "sizeBytes", e.sha256
       FROM punchlist_evidence e JOIN punchlist_items i ON i.id = e.punchlist_item_id
       WHERE e.workspace_id = $1 AND i.punchlist_id = $2 AND e.punchlist_item_id = $3 AND e.id = $4`,
      [workspaceId, punchlistId, itemId, evidenceId],
    )) as Array<{ blobKey: string; fileName: string; contentType: string; sha256: string }>;
    if (!row) throw new NotFoundError('evidence', evidenceId);
    return row;
  }

  private summary<T extends PunchlistSummary>(row: T): T {
    return {
      ...row,
      issuedAt: iso(row.issuedAt),
      clearedAt: iso(row.clearedAt),
      lastProgressAt: iso(row.lastProgressAt),
    } as T;
  }

  private page<T>(rows: T[], limit: number, position: (last: T) => Record<string, string>): Page<T> {
    const items = rows.slice(0, limit);
    const next = rows.length > limit ? encodeCursor(position(items[items.length - 1])) : null;
    return { items, nextCursor: next };
  }
}
