import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { BLOB_STORE, type BlobStore, inspectUpload, newBlobKey, type ZipArchive } from '@atp/platform-blob-store';
import { inTransaction, runInWorkspace } from '@atp/platform-database';
import { DomainError } from '@atp/platform-http';
import { ROOT_LOGGER, SERVICE_ENV } from '@atp/platform-runtime';
import type { AppEnv } from '../config/env';
import { DOCUMENT_TYPES, DocumentService } from '../documents/document.service';
import { SubmissionRepository } from '../submissions/submission.repository';
import { SubmissionService } from '../submissions/submission.service';
import { BulkJobsRepository } from './bulk-jobs.repository';
import type { Manifest, ManifestRow } from './bulk-manifest';
import { type BulkReport, type Finding, finalStatus, newBulkReport } from './bulk-report';

/** The job is no longer RUNNING (a compensation or the sweeper failed it): the runner registers nothing more. */
class BulkJobStopped extends Error {
  constructor() {
    super('the job is no longer RUNNING: it was failed while it ran; rows not reported were not registered');
  }
}

export interface BulkJob {
  jobId: string;
  workspaceId: string;
  actorId: string;
  manifest: Manifest;
  archive: ZipArchive;
  zipPath: string;
}

// The manifest's header for each request field a refusal names.
const COLUMN_OF_FIELD: Record<string, string> = {
  siteCode: 'site_code',
  scopeCode: 'scope_code',
  vendorCode: 'vendor_code',
  atpCategory: 'atp_category',
  file: 'file_name',
  documentType: 'document_type',
};

/**
 * Runs the rows of a bulk registration one after the other in this process. Each row is all-or-nothing:
 * its document is stored under a recorded intent, then the submission, the document row, the intent's
 * removal and the job's progress commit together; a refused row deletes its blob. A client's fault fails
 * the row (reported with its code); anything else fails the job, with its reason, at that row.
 */
@Injectable()
export class BulkJobRunner implements OnApplicationShutdown {
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: BulkJobsRepository,
    private readonly submissions: SubmissionService,
    private readonly repository: SubmissionRepository,
    private readonly documents: DocumentService,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(SERVICE_ENV) private readonly env: AppEnv,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** The job outlives its request: it runs in its own workspace's scope (row-level security), not the caller's. */
  launch(job: BulkJob): void {
    const run = runInWorkspace(job.workspaceId, () => this.run(job)).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves when every job launched so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  private async run(job: BulkJob): Promise<void> {
    const { manifest } = job;
    const report: BulkReport = newBulkReport(
      manifest.rows.length,
      manifest.findings.filter((f) => f.severity === 'WARNING'),
    );
    let done = 0;
    let failed = 0;
    try {
      for (const row of manifest.rows) {
        if (this.stopping)
          throw new Error('the service stopped while the job ran; rows not reported were not registered');
        const findings = manifest.findings.filter((f) => f.row === row.row && f.severity === 'ERROR');
        const outcome = findings.length > 0 ? { findings } : await this.register(job, row, report, done + 1, failed);
        if ('findings' in outcome) {
          failed += 1;
          report.rows.push({
            row: row.row,
            fileName: row.fileName,
            status: 'FAILED',
            submissionId: null,
            documentId: null,
          });
          report.errors.push(...outcome.findings);
          if (!(await this.jobs.progress(this.dataSource.manager, job.jobId, done, failed, report)))
            throw new BulkJobStopped();
        } else {
          done += 1;
        }
      }
      report.status = finalStatus(report);
      await this.jobs.finish(this.dataSource.manager, job.jobId, 'SUCCEEDED', report, null);
    } catch (error) {
      this.logger.error({ err: error, jobId: job.jobId }, 'bulk registration failed');
      report.status = done > 0 ? 'PARTIAL' : 'NONE_CREATED';
      await this.jobs
        .finish(this.dataSource.manager, job.jobId, 'FAILED', report, (error as Error).message)
        .catch((finishError: unknown) =>
          this.logger.error(
            { err: finishError, jobId: job.jobId },
            'bulk job could not be marked FAILED; the sweeper will',
          ),
        );
    } finally {
      job.archive.close();
      await rm(job.zipPath, { force: true });
    }
  }

  /** One row: a CREATED outcome committed with the job's progress, or the findings that refused it. */
  private async register(
    job: BulkJob,
    row: ManifestRow,
    report: BulkReport,
    done: number,
    failed: number,
  ): Promise<{ findings: Finding[] } | { created: true }> {
    const { sheet } = job.manifest;
    const finding = (column: string | null, code: string, message: string): Finding => ({
      sheet,
      row: row.row,
      column,
      code,
      message,
      severity: 'ERROR',
    });
    const fileName = this.entryName(job.archive, row.fileName);
    if (!fileName)
      return { findings: [finding('file_name', 'FILE_NOT_IN_ZIP', `the zip has no entry ${row.fileName}`)] };
    const documentType = row.documentType?.toUpperCase() ?? 'ATP_DOCUMENT';
    if (!(DOCUMENT_TYPES as readonly string[]).includes(documentType)) {
      return {
        findings: [
          finding('document_type', 'INVALID_VALUE', `document_type must be one of ${DOCUMENT_TYPES.join(', ')}`),
        ],
      };
    }
    const blobKey = newBlobKey(`submissions/${job.workspaceId}`);
    await this.documents.recordIntent(job.workspaceId, blobKey);
    try {
      const entry = await job.archive.openEntry(fileName);
      const inspected = await inspectUpload(entry, { fileName });
      const blob = await this.store.put(inspected.stream, {
        key: blobKey,
        maxBytes: this.env.UPLOAD_MAX_FILE_BYTES,
        contentType: inspected.type.contentType,
      });
      await inTransaction(this.dataSource, async (manager) => {
        const { id } = await this.submissions.insert(manager, job.workspaceId, job.actorId, {
          siteCode: row.siteCode,
          scopeCode: row.scopeCode,
          vendorCode: row.vendorCode ?? undefined,
          atpCategory: row.atpCategory ?? undefined,
          title: row.title ?? undefined,
        });
        const submission = await this.repository.lock(manager, job.workspaceId, id);
        const document = await this.documents.addDocument(manager, submission, job.actorId, {
          blobKey,
          fileName: (fileName.split('/').pop() ?? fileName).slice(0, 255),
          contentType: inspected.type.contentType,
          sizeBytes: blob.sizeBytes,
          sha256: blob.sha256,
          documentType,
          notes: null,
          sourceBatchId: job.jobId,
        });
        report.rows.push({
          row: row.row,
          fileName: row.fileName,
          status: 'CREATED',
          submissionId: id,
          documentId: String(document.documentId),
        });
        // Failed meanwhile (a refused workspace, the sweeper): this row rolls back and the job registers nothing more.
        if (!(await this.jobs.progress(manager, job.jobId, done, failed, report))) throw new BulkJobStopped();
      });
      return { created: true };
    } catch (error) {
      // The transaction rolled back: the report must not keep the row it pushed.
      const last = report.rows.at(-1);
      if (last?.row === row.row && last.status === 'CREATED') report.rows.pop();
      await this.documents.discard(blobKey);
      if (!(error instanceof DomainError)) throw error;
      const field = (error.extensions as { field?: string }).field ?? null;
      return { findings: [finding(field ? (COLUMN_OF_FIELD[field] ?? field) : null, error.code, error.message)] };
    }
  }

  /** The manifest names an entry by its path in the zip, or by its bare name when that is unambiguous. */
  private entryName(archive: ZipArchive, name: string): string | null {
    if (archive.has(name)) return name;
    const matches = archive.entries.filter((entry) => entry.name.split('/').pop() === name);
    return matches.length === 1 ? matches[0].name : null;
  }
}
