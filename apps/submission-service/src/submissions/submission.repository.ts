import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '@atp/platform-database';
import { NotFoundError } from '@atp/platform-http';
import type { SubmissionStatus } from './submission-status';

/** The submission row as commands need it (locked with `forUpdate`). */
export interface SubmissionRow {
  id: string;
  workspaceId: string;
  siteId: string;
  siteCode: string;
  scopeId: string;
  scopeCode: string;
  vendorId: string | null;
  vendorCode: string | null;
  atpCategory: string | null;
  categoryMethod: string | null;
  status: SubmissionStatus;
  attemptNumber: number;
  createdBy: string;
}

const COLUMNS = `id, workspace_id AS "workspaceId", site_id AS "siteId", site_code AS "siteCode", scope_id AS "scopeId",
  scope_code AS "scopeCode", vendor_id AS "vendorId", vendor_code AS "vendorCode", atp_category AS "atpCategory",
  category_method AS "categoryMethod", status, attempt_number AS "attemptNumber", created_by AS "createdBy"`;

export interface AttemptRow {
  attemptNumber: number;
  status: SubmissionStatus;
  documentId: string;
  qaDecision: string | null;
}

@Injectable()
export class SubmissionRepository {
  /** The submission of this workspace, row-locked for the rest of the transaction; 404 for another workspace's id. */
  async lock(manager: EntityManager, workspaceId: string, submissionId: string): Promise<SubmissionRow> {
    const rows = await runPrepared<SubmissionRow>(
      manager,
      `SELECT ${COLUMNS} FROM atp_submissions WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
      [workspaceId, submissionId],
    );
    if (!rows[0]) throw new NotFoundError('submission', submissionId);
    return rows[0];
  }

  async currentAttempt(
    manager: EntityManager,
    submissionId: string,
    attemptNumber: number,
  ): Promise<AttemptRow | null> {
    const rows = (await manager.query(
      `SELECT attempt_number AS "attemptNumber", status, document_id AS "documentId", qa_decision AS "qaDecision"
       FROM atp_submission_attempts WHERE submission_id = $1 AND attempt_number = $2`,
      [submissionId, attemptNumber],
    )) as AttemptRow[];
    return rows[0] ?? null;
  }

  async latestDocument(manager: EntityManager, submissionId: string): Promise<{ id: string; version: number } | null> {
    const rows = (await manager.query(
      `SELECT id, version FROM atp_submission_documents WHERE submission_id = $1 ORDER BY version DESC LIMIT 1`,
      [submissionId],
    )) as Array<{ id: string; version: number }>;
    return rows[0] ?? null;
  }

  async setStatus(
    manager: EntityManager,
    submissionId: string,
    status: SubmissionStatus,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const columns = Object.keys(extra);
    const assignments = columns.map((column, index) => `${column} = $${index + 3}`);
    await manager.query(
      `UPDATE atp_submissions SET status = $2, last_action_at = now(), updated_at = now()${assignments.map((a) => `, ${a}`).join('')}
       WHERE id = $1`,
      [submissionId, status, ...columns.map((column) => extra[column])],
    );
  }
}
