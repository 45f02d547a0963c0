import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotFoundError } from '@atp/platform-http';
import { ReferenceRejectionLog } from '@atp/platform-messaging';

export interface DocumentView {
  documentId: string;
  version: number;
  documentType: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  suggestedCategory: { category: string | null; confidence: number; method: string | null } | null;
  uploadedBy: string;
  uploadedAt: string;
}

export interface AttemptView {
  attemptNumber: number;
  status: string;
  documentId: string;
  atpCategory: string;
  workflowInstanceId: string | null;
  currentStageNumber: number | null;
  configVersionIds: { approvalMatrix: string; clusterMapping: string; scopeConfig: string };
  submittedBy: string;
  submittedAt: string;
  qaDecision: string | null;
  qaDecidedBy: string | null;
  qaComment: string | null;
  startRefusal: { reason: string; detail: string | null } | null;
  approvedAt: string | null;
  completedAt: string | null;
  rejectedAt: string | null;
}

/**
 * The summary's columns, on a table aliased `s` (a SELECT, or the RETURNING of an `INSERT INTO atp_submissions AS s`).
 */
export const SUMMARY_COLUMNS = `s.id, s.workspace_id AS "workspaceId", s.status, s.site_id AS "siteId", s.site_code AS "siteCode",
  s.scope_code AS "scopeCode", s.vendor_code AS "vendorCode", s.atp_category AS "atpCategory",
  s.category_method AS "categoryMethod", s.title, s.attempt_number AS "attemptNumber",
  s.workflow_instance_id AS "workflowInstanceId", s.current_stage_number AS "currentStageNumber",
  s.primary_document_id AS "primaryDocumentId", s.document_count AS "documentCount",
  s.submitted_at AS "submittedAt", s.approved_at AS "approvedAt", s.completed_at AS "completedAt",
  s.rejected_at AS "rejectedAt", s.last_action_at AS "lastActionAt", s.created_by AS "createdBy", s.created_at AS "createdAt"`;

export const SUMMARY_SELECT = `SELECT ${SUMMARY_COLUMNS} FROM atp_submissions s`;

const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : (value as string | null));

export function summaryOf(row: Record<string, unknown>): Record<string, unknown> {
  const view: Record<string, unknown> = { ...row };
  for (const key of ['submittedAt', 'approvedAt', 'completedAt', 'rejectedAt', 'lastActionAt', 'createdAt'])
    view[key] = iso(row[key]);
  return view;
}

/** One submission as the API shows it: header, every document version and every attempt. */
@Injectable()
export class SubmissionViews {
  async get(manager: EntityManager, workspaceId: string, submissionId: string): Promise<Record<string, unknown>> {
    const rows = (await manager.query(`${SUMMARY_SELECT} WHERE s.workspace_id = $1 AND s.id = $2`, [
      workspaceId,
      submissionId,
    ])) as Array<Record<string, unknown>>;
    if (!rows[0]) throw new NotFoundError('submission', submissionId);
    // One after the other: a transaction's one connection runs one query at a time anyway (and pg deprecates queueing
    // them).
    const documents = await this.documents(manager, submissionId);
    const attempts = await this.attempts(manager, submissionId);
    const referenceRejections = await ReferenceRejectionLog.ofAggregate(manager, workspaceId, submissionId);
    const current = attempts.find((attempt) => attempt.attemptNumber === rows[0].attemptNumber);
    return {
      ...summaryOf(rows[0]),
      startRefusal: current?.startRefusal ?? null,
      documents,
      attempts,
      referenceRejections,
    };
  }

  /**
   * `get` of a submission inserted by this transaction (its summary row returned by the INSERT): nothing refers to it
   * yet.
   */
  ofNew(summary: Record<string, unknown>): Record<string, unknown> {
    return { ...summaryOf(summary), startRefusal: null, documents: [], attempts: [], referenceRejections: [] };
  }

  async documents(manager: EntityManager, submissionId: string): Promise<DocumentView[]> {
    const rows = (await manager.query(
      `SELECT id, version, document_type, file_name, content_type, size_bytes, sha256, suggested_category, suggestion_confidence,
              suggestion_method, uploaded_by, uploaded_at
       FROM atp_submission_documents WHERE submission_id = $1 ORDER BY version`,
      [submissionId],
    )) as Array<Record<string, unknown>>;
    return rows.map((row) => documentViewOf(row));
  }

  async attempts(manager: EntityManager, submissionId: string): Promise<AttemptView[]> {
    const rows = (await manager.query(
      `SELECT * FROM atp_submission_attempts WHERE submission_id = $1 ORDER BY attempt_number`,
      [submissionId],
    )) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      attemptNumber: row.attempt_number as number,
      status: row.status as string,
      documentId: row.document_id as string,
      atpCategory: row.atp_category as string,
      workflowInstanceId: row.workflow_instance_id as string | null,
      currentStageNumber: row.current_stage_number as number | null,
      configVersionIds: {
        approvalMatrix: row.pinned_approval_matrix as string,
        clusterMapping: row.pinned_cluster_mapping as string,
        scopeConfig: row.pinned_scope_config as string,
      },
      submittedBy: row.submitted_by as string,
      submittedAt: iso(row.submitted_at) as string,
      qaDecision: row.qa_decision as string | null,
      qaDecidedBy: row.qa_decided_by as string | null,
      qaComment: row.qa_comment as string | null,
      startRefusal: row.start_refusal_reason
        ? { reason: row.start_refusal_reason as string, detail: row.start_refusal_detail as string | null }
        : null,
      approvedAt: iso(row.approved_at),
      completedAt: iso(row.completed_at),
      rejectedAt: iso(row.rejected_at),
    }));
  }
}

export function documentViewOf(row: Record<string, unknown>): DocumentView {
  return {
    documentId: row.id as string,
    version: row.version as number,
    documentType: row.document_type as string,
    fileName: row.file_name as string,
    contentType: row.content_type as string,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256 as string,
    suggestedCategory: row.suggestion_method
      ? {
          category: row.suggested_category as string | null,
          confidence: Number(row.suggestion_confidence),
          method: row.suggestion_method as string,
        }
      : null,
    uploadedBy: row.uploaded_by as string,
    uploadedAt: iso(row.uploaded_at) as string,
  };
}
