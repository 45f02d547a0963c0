import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { canonicalCategory, type AtpCategory } from '@atp/approval-routing';
import {
  SubmissionCreatedV1,
  SubmissionQaApprovedV1,
  SubmissionQaRejectedV1,
  SubmissionSubmittedV1,
} from '@atp/contracts';
import { inTransaction, PgErrorCode, pgErrorCode, runPrepared } from '@atp/platform-database';
import { ConflictError, DomainError, IdempotencyStore, type StoredResponse } from '@atp/platform-http';
import { ReferenceLookup } from '../replica/reference-lookup';
import type { CategoryOverrideDto, CreateSubmissionDto, QaReviewDto } from './dto/submission.dto';
import { SubmissionEvents } from './submission-events';
import { SubmissionRepository, type SubmissionRow } from './submission.repository';
import { assertEditable, assertTransition, RESUBMIT_STATUSES } from './submission-status';
import { SUMMARY_COLUMNS, SubmissionViews } from './submission-view';

export function categoryOrRefuse(raw: string, field = 'atpCategory'): AtpCategory {
  const category = canonicalCategory(raw);
  if (!category) {
    throw new DomainError(422, 'UNKNOWN_CATEGORY', `${raw} is not an ATP category`, { field, value: raw }, [
      { field, message: 'must be RAN_MW, PLN_UPGRADE, DISMANTLE_DROP, DISMANTLE_KEEP or SOFTWARE_LICENSE', value: raw },
    ]);
  }
  return category;
}

/** Create, category override, submit and QA pre-check (domain §5.1 steps 1-2). */
@Injectable()
export class SubmissionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly lookup: ReferenceLookup,
    private readonly repository: SubmissionRepository,
    private readonly views: SubmissionViews,
    private readonly events: SubmissionEvents,
  ) {}

  create(workspaceId: string, actorId: string, key: string | null, body: CreateSubmissionDto): Promise<StoredResponse> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.run(manager, { workspaceId, callerId: actorId, key }, `POST submissions`, body, async () => {
        const summary = await this.insert(manager, workspaceId, actorId, body);
        return { status: 201, body: this.views.ofNew(summary) };
      }),
    );
  }

  /**
   * Inserts a DRAFT submission after checking every reference; answers its summary row (SUMMARY_COLUMNS).
   * The bulk import shares it.
   */
  async insert(
    manager: EntityManager,
    workspaceId: string,
    actorId: string,
    body: CreateSubmissionDto,
  ): Promise<Record<string, unknown> & { id: string }> {
    const { site, scope, vendor } = await this.lookup.newSubmissionReferences(manager, workspaceId, body);
    const category = body.atpCategory ? categoryOrRefuse(body.atpCategory) : null;
    const inserted = await runPrepared<Record<string, unknown> & { id: string }>(
      manager,
      `INSERT INTO atp_submissions AS s (workspace_id, site_id, site_code, scope_id, scope_code, vendor_id, vendor_code, atp_category,
         category_method, title, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT ON CONSTRAINT ux_atp_submissions_unique DO NOTHING RETURNING ${SUMMARY_COLUMNS}`,
      [
        workspaceId,
        site.siteId,
        site.siteCode,
        scope.scopeId,
        scope.scopeCode,
        vendor?.vendorId ?? null,
        vendor?.vendorCode ?? null,
        category,
        category ? 'EXPLICIT' : null,
        body.title ?? null,
        actorId,
      ],
    );
    if (!inserted[0]) {
      throw await this.duplicate(manager, workspaceId, site.siteId, scope.scopeId, category);
    }
    const id = inserted[0].id;
    await this.events.append(
      manager,
      SubmissionCreatedV1,
      workspaceId,
      id,
      {
        submissionId: id,
        siteId: site.siteId,
        siteCode: site.siteCode,
        scopeId: scope.scopeId,
        scopeCode: scope.scopeCode,
        vendorId: vendor?.vendorId ?? null,
        vendorCode: vendor?.vendorCode ?? null,
        atpCategory: category,
        title: body.title ?? null,
        createdBy: actorId,
      },
      actorId,
    );
    return inserted[0];
  }

  private async duplicate(
    manager: EntityManager,
    workspaceId: string,
    siteId: string,
    scopeId: string,
    category: string | null,
  ): Promise<ConflictError> {
    const rows = (await manager.query(
      `SELECT id FROM atp_submissions WHERE workspace_id = $1 AND site_id = $2 AND scope_id = $3 AND atp_category = $4`,
      [workspaceId, siteId, scopeId, category],
    )) as Array<{ id: string }>;
    return new ConflictError('SUBMISSION_EXISTS', 'a submission for this site, scope and category exists already', {
      existingSubmissionId: rows[0]?.id ?? null,
    });
  }

  overrideCategory(
    workspaceId: string,
    submissionId: string,
    actorId: string,
    key: string | null,
    body: CategoryOverrideDto,
  ): Promise<StoredResponse> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.run(
        manager,
        { workspaceId, callerId: actorId, key },
        `POST category ${submissionId}`,
        body,
        async () => {
          const submission = await this.repository.lock(manager, workspaceId, submissionId);
          assertEditable(submission.status, 'category change');
          const category = categoryOrRefuse(body.atpCategory);
          await this.setCategory(manager, submission, category, 'OVERRIDE');
          await manager.query(
            `INSERT INTO atp_category_overrides (workspace_id, submission_id, from_category, to_category, reason, overridden_by)
           VALUES ($1, $2, $3, $4, $5, $6)`,
            [workspaceId, submissionId, submission.atpCategory, category, body.reason, actorId],
          );
          return { status: 200, body: await this.views.get(manager, workspaceId, submissionId) };
        },
      ),
    );
  }

  /** Sets the category; the unique (site, scope, category) answers 409 with the submission holding it. */
  async setCategory(
    manager: EntityManager,
    submission: SubmissionRow,
    category: string,
    method: string,
  ): Promise<void> {
    await manager.query('SAVEPOINT set_category');
    try {
      await manager.query(
        `UPDATE atp_submissions SET atp_category = $2, category_method = $3, updated_at = now(), last_action_at = now() WHERE id = $1`,
        [submission.id, category, method],
      );
      await manager.query('RELEASE SAVEPOINT set_category');
    } catch (error) {
      if (pgErrorCode(error) !== PgErrorCode.uniqueViolation) throw error;
      await manager.query('ROLLBACK TO SAVEPOINT set_category');
      throw await this.duplicate(manager, submission.workspaceId, submission.siteId, submission.scopeId, category);
    }
  }

  submit(workspaceId: string, submissionId: string, actorId: string, key: string | null): Promise<StoredResponse> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.run(
        manager,
        { workspaceId, callerId: actorId, key },
        `POST submit ${submissionId}`,
        {},
        async () => {
          const submission = await this.repository.lock(manager, workspaceId, submissionId);
          assertTransition(submission.status, 'SUBMITTED');
          await this.lookup.requireActiveWorkspace(manager, workspaceId);
          if (!submission.atpCategory) {
            throw new DomainError(
              422,
              'CATEGORY_REQUIRED',
              'set atpCategory (or upload a document it can be suggested from) before submit',
              {
                field: 'atpCategory',
              },
              [{ field: 'atpCategory', message: 'is required to submit' }],
            );
          }
          const document = await this.repository.latestDocument(manager, submissionId);
          if (!document) {
            throw new DomainError(422, 'DOCUMENT_REQUIRED', 'upload a document before submit', { field: 'file' });
          }
          const resubmission = RESUBMIT_STATUSES.includes(submission.status);
          const attemptNumber = resubmission ? submission.attemptNumber + 1 : submission.attemptNumber;
          if (resubmission) {
            const previous = await this.repository.currentAttempt(manager, submissionId, submission.attemptNumber);
            if (previous && previous.documentId === document.id) {
              throw new DomainError(422, 'NEW_DOCUMENT_REQUIRED', 'a resubmission needs a new document version', {
                field: 'file',
                rejectedDocumentId: document.id,
              });
            }
          }
          const pinned = await this.lookup.requireActiveVersions(manager, workspaceId);
          await manager.query(
            `INSERT INTO atp_submission_attempts (submission_id, attempt_number, workspace_id, status, document_id, atp_category,
             pinned_approval_matrix, pinned_cluster_mapping, pinned_scope_config, submitted_by)
           VALUES ($1, $2, $3, 'SUBMITTED', $4, $5, $6, $7, $8, $9)`,
            [
              submissionId,
              attemptNumber,
              workspaceId,
              document.id,
              submission.atpCategory,
              pinned.approvalMatrix,
              pinned.clusterMapping,
              pinned.scopeConfig,
              actorId,
            ],
          );
          await this.repository.setStatus(manager, submissionId, 'SUBMITTED', {
            attempt_number: attemptNumber,
            submitted_at: new Date(),
            config_version_id: pinned.approvalMatrix,
            workflow_instance_id: null,
            current_stage_number: null,
            approved_at: null,
            completed_at: null,
            rejected_at: null,
          });
          await this.events.append(
            manager,
            SubmissionSubmittedV1,
            workspaceId,
            submissionId,
            {
              submissionId,
              attemptNumber,
              documentId: document.id,
              atpCategory: submission.atpCategory,
              submittedBy: actorId,
              pinnedConfigVersions: pinned,
            },
            actorId,
          );
          await this.events.statusChanged(manager, {
            workspaceId,
            submissionId,
            attemptNumber,
            from: submission.status,
            to: 'SUBMITTED',
            workflowInstanceId: null,
            currentStageNumber: null,
            actorId,
          });
          return { status: 200, body: await this.views.get(manager, workspaceId, submissionId) };
        },
      ),
    );
  }

  qaReview(
    workspaceId: string,
    submissionId: string,
    actorId: string,
    key: string | null,
    body: QaReviewDto,
  ): Promise<StoredResponse> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.run(
        manager,
        { workspaceId, callerId: actorId, key },
        `POST qa-review ${submissionId}`,
        body,
        async () => {
          const submission = await this.repository.lock(manager, workspaceId, submissionId);
          const attempt = await this.repository.currentAttempt(manager, submissionId, submission.attemptNumber);
          if (submission.status !== 'SUBMITTED' || !attempt || attempt.qaDecision) {
            throw new DomainError(409, 'NOT_AWAITING_QA', `a ${submission.status} submission is not awaiting QA`, {
              currentStatus: submission.status,
            });
          }
          if (submission.createdBy === actorId) {
            throw new DomainError(
              403,
              'SUBMITTER_CANNOT_REVIEW',
              'the submitter cannot QA-review their own submission',
            );
          }
          if (body.decision === 'REJECT') await this.qaReject(manager, submission, actorId, body.comment);
          else await this.qaApprove(manager, submission, actorId, body.comment ?? null);
          return { status: 200, body: await this.views.get(manager, workspaceId, submissionId) };
        },
      ),
    );
  }

  private async qaReject(
    manager: EntityManager,
    submission: SubmissionRow,
    actorId: string,
    comment: string | undefined,
  ): Promise<void> {
    if (!comment?.trim()) {
      throw new DomainError(422, 'COMMENT_REQUIRED', 'a QA rejection needs a comment', { field: 'comment' }, [
        { field: 'comment', message: 'is required to reject' },
      ]);
    }
    assertTransition(submission.status, 'REJECTED_PRE_QA');
    await manager.query(
      `UPDATE atp_submission_attempts SET qa_decision = 'REJECT', qa_decided_by = $3, qa_decided_at = now(), qa_comment = $4,
         status = 'REJECTED_PRE_QA', rejected_at = now(), updated_at = now()
       WHERE submission_id = $1 AND attempt_number = $2`,
      [submission.id, submission.attemptNumber, actorId, comment],
    );
    await this.repository.setStatus(manager, submission.id, 'REJECTED_PRE_QA', { rejected_at: new Date() });
    await this.events.append(
      manager,
      SubmissionQaRejectedV1,
      submission.workspaceId,
      submission.id,
      {
        submissionId: submission.id,
        attemptNumber: submission.attemptNumber,
        rejectedBy: actorId,
        comment,
      },
      actorId,
    );
    await this.events.statusChanged(manager, {
      workspaceId: submission.workspaceId,
      submissionId: submission.id,
      attemptNumber: submission.attemptNumber,
      from: 'SUBMITTED',
      to: 'REJECTED_PRE_QA',
      workflowInstanceId: null,
      currentStageNumber: null,
      actorId,
    });
  }

  /** The attempt stays SUBMITTED until workflow-service answers (started → IN_REVIEW, or a refusal). */
  private async qaApprove(
    manager: EntityManager,
    submission: SubmissionRow,
    actorId: string,
    comment: string | null,
  ): Promise<void> {
    const rows = (await manager.query(
      `UPDATE atp_submission_attempts SET qa_decision = 'APPROVE', qa_decided_by = $3, qa_decided_at = now(), qa_comment = $4,
         updated_at = now()
       WHERE submission_id = $1 AND attempt_number = $2
       RETURNING atp_category AS "atpCategory", submitted_by AS "submittedBy", pinned_approval_matrix AS "approvalMatrix",
         pinned_cluster_mapping AS "clusterMapping", pinned_scope_config AS "scopeConfig"`,
      [submission.id, submission.attemptNumber, actorId, comment],
    )) as [
      Array<{
        atpCategory: string;
        submittedBy: string;
        approvalMatrix: string;
        clusterMapping: string;
        scopeConfig: string;
      }>,
      number,
    ];
    const attempt = rows[0][0];
    const site = (await manager.query(
      `SELECT cluster_code AS "clusterCode", region FROM site_replica WHERE site_id = $1`,
      [submission.siteId],
    )) as Array<{ clusterCode: string | null; region: string | null }>;
    await manager.query(`UPDATE atp_submissions SET last_action_at = now(), updated_at = now() WHERE id = $1`, [
      submission.id,
    ]);
    await this.events.append(
      manager,
      SubmissionQaApprovedV1,
      submission.workspaceId,
      submission.id,
      {
        submissionId: submission.id,
        attemptNumber: submission.attemptNumber,
        workspaceId: submission.workspaceId,
        siteId: submission.siteId,
        siteCode: submission.siteCode,
        clusterCode: site[0]?.clusterCode ?? null,
        regionCode: site[0]?.region ?? null,
        scopeCode: submission.scopeCode,
        vendorCode: submission.vendorCode,
        atpCategory: attempt.atpCategory,
        submittedBy: attempt.submittedBy,
        qaApprovedBy: actorId,
        pinnedConfigVersions: {
          approvalMatrix: attempt.approvalMatrix,
          clusterMapping: attempt.clusterMapping,
          scopeConfig: attempt.scopeConfig,
        },
      },
      actorId,
    );
  }
}
