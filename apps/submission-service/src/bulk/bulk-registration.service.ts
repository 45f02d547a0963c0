import { Inject, Injectable } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { DataSource } from 'typeorm';
import { ZipArchive } from '@atp/platform-blob-store';
import { inTransaction } from '@atp/platform-database';
import { IdempotencyStore, type StoredResponse } from '@atp/platform-http';
import { SERVICE_ENV } from '@atp/platform-runtime';
import type { AppEnv } from '../config/env';
import { ReferenceLookup } from '../replica/reference-lookup';
import { BulkJobRunner } from './bulk-job.runner';
import { BulkJobsRepository } from './bulk-jobs.repository';
import { readManifest } from './bulk-manifest';
import { receiveBulkUpload } from './bulk-intake';
import { newBulkReport } from './bulk-report';

export const BULK_REGISTRATION = 'BULK_REGISTRATION';

/**
 * `POST /submissions/bulk`: everything that can refuse the upload as a whole is decided before the 202
 * (sizes, the zip's directory, unsafe names, the manifest's columns), so a refusal writes nothing; the
 * rows then run as a job whose report says what became of each.
 */
@Injectable()
export class BulkRegistrationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly lookup: ReferenceLookup,
    private readonly jobs: BulkJobsRepository,
    private readonly runner: BulkJobRunner,
    @Inject(SERVICE_ENV) private readonly env: AppEnv,
  ) {}

  async start(
    workspaceId: string,
    actorId: string,
    key: string | null,
    request: IncomingMessage,
  ): Promise<StoredResponse> {
    await this.lookup.requireActiveWorkspace(this.dataSource.manager, workspaceId);
    const upload = await receiveBulkUpload(request, {
      maxManifestBytes: this.env.BULK_MAX_MANIFEST_BYTES,
      maxZipBytes: this.env.BULK_MAX_ZIP_BYTES,
    });
    let archive: ZipArchive | null = null;
    let started = false;
    try {
      archive = await ZipArchive.open(upload.documents.path, {
        maxEntries: this.env.BULK_MAX_ZIP_ENTRIES,
        maxEntryBytes: this.env.UPLOAD_MAX_FILE_BYTES,
        maxInflatedBytes: this.env.BULK_MAX_INFLATED_BYTES,
        maxCompressionRatio: 100,
        ratioCheckedAboveBytes: 1024 * 1024,
      });
      const manifest = await readManifest(
        upload.manifest.bytes,
        upload.manifest.fileName,
        this.env.BULK_MAX_ZIP_ENTRIES,
      );
      const fingerprint = { manifestSha256: upload.manifest.sha256, documentsSha256: upload.documents.sha256 };
      let createdJobId: string | null = null;
      const response = await inTransaction(this.dataSource, (manager) =>
        this.idempotency.run(
          manager,
          { workspaceId, callerId: actorId, key },
          'POST submissions/bulk',
          fingerprint,
          async () => {
            const warnings = manifest.findings.filter((finding) => finding.severity === 'WARNING');
            createdJobId = await this.jobs.insert(
              manager,
              workspaceId,
              BULK_REGISTRATION,
              manifest.rows.length,
              actorId,
              newBulkReport(manifest.rows.length, warnings),
            );
            return { status: 202, body: { jobId: createdJobId } };
          },
        ),
      );
      // A replay answers the first job; this copy of the upload is not needed.
      if (createdJobId) {
        this.runner.launch({
          jobId: createdJobId,
          workspaceId,
          actorId,
          manifest,
          archive,
          zipPath: upload.documents.path,
        });
        started = true;
      }
      return response;
    } finally {
      if (!started) {
        archive?.close();
        await rm(upload.documents.path, { force: true });
      }
    }
  }

  getJob(workspaceId: string, jobId: string) {
    return this.jobs.get(this.dataSource.manager, workspaceId, jobId);
  }
}
