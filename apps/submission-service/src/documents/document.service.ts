import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { DataSource, type EntityManager } from 'typeorm';
import { SubmissionDocumentUploadedV1 } from '@atp/contracts';
import {
  BLOB_STORE,
  BlobNotFoundError,
  type BlobContent,
  type BlobStore,
  newBlobKey,
  receiveMultipartUpload,
  type ReceivedFile,
} from '@atp/platform-blob-store';
import { inTransaction, runPrepared } from '@atp/platform-database';
import { ConflictError, DomainError, IdempotencyStore, NotFoundError, type StoredResponse } from '@atp/platform-http';
import { SERVICE_ENV } from '@atp/platform-runtime';
import { categorizeFileName } from '../categorization/categorizer';
import type { AppEnv } from '../config/env';
import { SubmissionEvents } from '../submissions/submission-events';
import { SubmissionRepository, type SubmissionRow } from '../submissions/submission.repository';
import { assertEditable, EDITABLE_STATUSES, type SubmissionStatus } from '../submissions/submission-status';
import { documentViewOf } from '../submissions/submission-view';
import { SubmissionService } from '../submissions/submission.service';

export const DOCUMENT_TYPES = [
  'ATP_DOCUMENT',
  'ATP_SOFTWARE',
  'ATP_HARDWARE',
  'ATP_COMBINED',
  'ATP_BULK',
  'SITE_PHOTO',
  'INSTALLATION_PHOTO',
  'COMPLETION_CERT',
] as const;

/**
 * What `documentViewOf` reads, named rather than `*`: the insert runs prepared, and a prepared statement whose
 * result columns change under it (a migration adding one) fails until its connection is replaced.
 */
const DOCUMENT_VIEW_COLUMNS = `id, version, document_type, file_name, content_type, size_bytes, sha256, suggested_category,
  suggestion_confidence, suggestion_method, uploaded_by, uploaded_at`;

export interface StoredDocument {
  blobKey: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  documentType: string;
  notes: string | null;
  sourceBatchId: string | null;
}

/**
 * Versioned documents of a submission. Blob and row stay consistent: the blob key is recorded as an
 * intent before the first byte is stored, the row and the intent's removal commit together, and every
 * refusal deletes the blob; a crash in between leaves an intent that `sweepAbandonedUploads` finishes.
 */
@Injectable()
export class DocumentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly repository: SubmissionRepository,
    private readonly submissions: SubmissionService,
    private readonly events: SubmissionEvents,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(SERVICE_ENV) private readonly env: AppEnv,
  ) {}

  async upload(
    workspaceId: string,
    submissionId: string,
    actorId: string,
    key: string | null,
    request: IncomingMessage,
  ): Promise<StoredResponse> {
    const blobKey = newBlobKey(`submissions/${workspaceId}`);
    // Refuses before reading the body when the submission cannot take a document.
    await this.recordIntentFor(workspaceId, submissionId, blobKey);
    let file: ReceivedFile | null = null;
    try {
      const upload = await receiveMultipartUpload(request, {
        store: this.store,
        blobKey,
        maxBytes: this.env.UPLOAD_MAX_FILE_BYTES,
        textFields: ['documentType', 'notes'],
      });
      file = upload.file;
      const documentType = upload.fields.documentType ?? 'ATP_DOCUMENT';
      if (!(DOCUMENT_TYPES as readonly string[]).includes(documentType)) {
        throw new DomainError(400, 'VALIDATION_FAILED', 'documentType is not a document type', {}, [
          { field: 'documentType', message: `must be one of ${DOCUMENT_TYPES.join(', ')}`, value: documentType },
        ]);
      }
      const stored: StoredDocument = {
        blobKey,
        fileName: file.fileName.slice(0, 255),
        contentType: file.type.contentType,
        sizeBytes: file.blob.sizeBytes,
        sha256: file.blob.sha256,
        documentType,
        notes: upload.fields.notes ?? null,
        sourceBatchId: null,
      };
      const fingerprintBody = { sha256: stored.sha256, fileName: stored.fileName, documentType };
      const response = await inTransaction(this.dataSource, (manager) =>
        this.idempotency.run(
          manager,
          { workspaceId, callerId: actorId, key },
          `POST documents ${submissionId}`,
          fingerprintBody,
          async () => {
            const submission = await this.repository.lock(manager, workspaceId, submissionId);
            return { status: 201, body: await this.addDocument(manager, submission, actorId, stored) };
          },
        ),
      );
      // A replay answered the first upload's document: this copy of the bytes is not needed.
      if (response.replayed) await this.discard(blobKey);
      return response;
    } catch (error) {
      await this.discard(blobKey);
      throw error;
    }
  }

  /** Inserts the next version of the submission's documents (caller holds the submission's row lock). */
  async addDocument(
    manager: EntityManager,
    submission: SubmissionRow,
    actorId: string,
    stored: StoredDocument,
  ): Promise<Record<string, unknown>> {
    assertEditable(submission.status, 'new document');
    const suggestion = categorizeFileName(stored.fileName);
    // One statement: the next version, the submission's count and primary document, and the claim of the
    // upload's intent. The intent's row lock orders this commit against the sweeper: an intent it swept
    // (the blob is gone) inserts nothing and refuses the document instead of committing a row without bytes.
    const [row] = await runPrepared<Record<string, unknown>>(
      manager,
      `WITH intent AS (DELETE FROM blob_upload_intents WHERE blob_key = $3 RETURNING blob_key),
       document AS (
         INSERT INTO atp_submission_documents (workspace_id, submission_id, version, document_id, document_type, file_name, content_type,
           size_bytes, sha256, suggested_category, suggestion_confidence, suggestion_method, uploaded_by, source_batch_id, notes)
         SELECT $1, $2, COALESCE(max(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
           FROM atp_submission_documents WHERE submission_id = $2 HAVING EXISTS (SELECT 1 FROM intent)
         RETURNING ${DOCUMENT_VIEW_COLUMNS}
       ),
       counted AS (
         UPDATE atp_submissions s SET document_count = document_count + 1, primary_document_id = document.id, last_action_at = now(),
           updated_at = now()
         FROM document WHERE s.id = $2
       )
       SELECT ${DOCUMENT_VIEW_COLUMNS} FROM document`,
      [
        submission.workspaceId,
        submission.id,
        stored.blobKey,
        stored.documentType,
        stored.fileName,
        stored.contentType,
        stored.sizeBytes,
        stored.sha256,
        suggestion.category,
        suggestion.confidence,
        suggestion.method,
        actorId,
        stored.sourceBatchId,
        stored.notes,
      ],
    );
    if (!row) {
      throw new DomainError(
        409,
        'UPLOAD_EXPIRED',
        'the upload took longer than its grace period and was swept; upload the file again',
      );
    }
    // An explicit or overridden category is never replaced by a suggestion (api-contract "Submissions").
    if (!submission.atpCategory && suggestion.category) {
      await this.submissions
        .setCategory(manager, submission, suggestion.category, 'SUGGESTED')
        .catch((error: unknown) => {
          // the suggestion collides with another submission: stay unset
          if (!(error instanceof ConflictError)) throw error;
        });
    }
    const view = documentViewOf(row);
    await this.events.append(
      manager,
      SubmissionDocumentUploadedV1,
      submission.workspaceId,
      submission.id,
      {
        submissionId: submission.id,
        documentId: view.documentId,
        version: view.version,
        documentType: view.documentType,
        fileName: view.fileName,
        contentType: view.contentType,
        sizeBytes: view.sizeBytes,
        sha256: view.sha256,
        suggestedCategory: suggestion.category,
        uploadedBy: actorId,
        uploadedAt: view.uploadedAt,
      },
      actorId,
    );
    return {
      ...view,
      suggestedCategory: {
        category: suggestion.category,
        confidence: suggestion.confidence,
        method: suggestion.method,
        reason: suggestion.reason,
      },
    };
  }

  async content(
    workspaceId: string,
    submissionId: string,
    documentId: string,
  ): Promise<{ blob: BlobContent; contentType: string; fileName: string; sha256: string }> {
    const rows = (await this.dataSource.query(
      `SELECT document_id AS "blobKey", content_type AS "contentType", file_name AS "fileName", sha256
       FROM atp_submission_documents WHERE workspace_id = $1 AND submission_id = $2 AND id = $3`,
      [workspaceId, submissionId, documentId],
    )) as Array<{ blobKey: string; contentType: string; fileName: string; sha256: string }>;
    if (!rows[0]) throw new NotFoundError('document', documentId);
    try {
      return { blob: await this.store.get(rows[0].blobKey), ...rows[0] };
    } catch (error) {
      if (error instanceof BlobNotFoundError)
        throw new DomainError(500, 'BLOB_MISSING', `the bytes of document ${documentId} are missing`);
      throw error;
    }
  }

  async recordIntent(workspaceId: string, blobKey: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO blob_upload_intents (blob_key, workspace_id) VALUES ($1, $2)`, [
      blobKey,
      workspaceId,
    ]);
  }

  /**
   * The intent of an upload to a submission, recorded only when the submission can take a document
   * (one statement; no lock: `addDocument` checks the status again under the row lock).
   */
  private async recordIntentFor(workspaceId: string, submissionId: string, blobKey: string): Promise<void> {
    const rows = await runPrepared<{ status: SubmissionStatus }>(
      this.dataSource.manager,
      `WITH submission AS (SELECT status FROM atp_submissions WHERE workspace_id = $1 AND id = $2),
       intent AS (
         INSERT INTO blob_upload_intents (blob_key, workspace_id) SELECT $3, $1 FROM submission WHERE status = ANY($4::text[])
       )
       SELECT status FROM submission`,
      [workspaceId, submissionId, blobKey, EDITABLE_STATUSES],
    );
    if (!rows[0]) throw new NotFoundError('submission', submissionId);
    assertEditable(rows[0].status, 'new document');
  }

  /**
   * Deletes a blob no row refers to, and its intent. The intent stays locked while the blob is deleted, so
   * a concurrent commit of the same upload waits and then finds the intent gone; a failed delete rolls
   * back and leaves the intent for the sweeper.
   */
  async discard(blobKey: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      await manager.query(`DELETE FROM blob_upload_intents WHERE blob_key = $1`, [blobKey]);
      if (await this.documentIdOfBlob(blobKey, manager)) return;
      await this.store.delete(blobKey);
    });
  }

  /**
   * Finishes uploads a crash interrupted: intents older than `olderThanMs` lose their blob unless a row
   * holds it. SKIP LOCKED lets replicas sweep together and skips an upload committing right now.
   */
  async sweepAbandonedUploads(olderThanMs: number, batchSize = 200): Promise<number> {
    let swept = 0;
    for (;;) {
      const claimed = await inTransaction(this.dataSource, async (manager) => {
        const rows = (await manager.query(
          `SELECT blob_key AS "blobKey" FROM blob_upload_intents WHERE started_at < now() - make_interval(secs => $1 / 1000.0)
           ORDER BY started_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [olderThanMs, batchSize],
        )) as Array<{ blobKey: string }>;
        for (const { blobKey } of rows) {
          if (!(await this.documentIdOfBlob(blobKey, manager))) await this.store.delete(blobKey);
          await manager.query(`DELETE FROM blob_upload_intents WHERE blob_key = $1`, [blobKey]);
        }
        return rows.length;
      });
      swept += claimed;
      if (claimed < batchSize) return swept;
    }
  }

  private async documentIdOfBlob(
    blobKey: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string | null> {
    const rows = (await manager.query(`SELECT id FROM atp_submission_documents WHERE document_id = $1`, [
      blobKey,
    ])) as Array<{
      id: string;
    }>;
    return rows[0]?.id ?? null;
  }
}
