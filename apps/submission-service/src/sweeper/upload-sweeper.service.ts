import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { BLOB_STORE, type BlobStore, LocalDiskBlobStore } from '@atp/platform-blob-store';
import { runAcrossWorkspaces } from '@atp/platform-database';
import { PeriodicTask, ROOT_LOGGER, SERVICE_ENV } from '@atp/platform-runtime';
import { BULK_WORK_DIR } from '../bulk/bulk-intake';
import { BulkJobsRepository } from '../bulk/bulk-jobs.repository';
import type { AppEnv } from '../config/env';
import { DocumentService } from '../documents/document.service';

export interface UploadSweepResult {
  abandonedBlobs: number;
  temporaryFiles: number;
  staleJobs: string[];
}

/**
 * Finishes what a crash or a kill interrupted, on a schedule: blobs stored without a committed row
 * (their intent outlived the grace period), the local store's temporary files, bulk zips waiting in the
 * work folder, and bulk jobs whose process stopped beating.
 */
@Injectable()
export class UploadSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly schedule: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly documents: DocumentService,
    private readonly jobs: BulkJobsRepository,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(SERVICE_ENV) private readonly env: AppEnv,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.schedule = new PeriodicTask(
      'upload sweep',
      async () => {
        const result = await this.sweepOnce();
        if (result.abandonedBlobs + result.temporaryFiles + result.staleJobs.length > 0)
          this.logger.info(result, 'upload sweep');
      },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.schedule.start(this.env.UPLOAD_SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** Row-level security: the sweep is a job over every workspace's intents and jobs (named, and logged). */
  sweepOnce(graceMs = this.env.UPLOAD_ABANDONED_AFTER_MS): Promise<UploadSweepResult> {
    return runAcrossWorkspaces('submission-service upload sweep', async () => {
      const abandonedBlobs = await this.documents.sweepAbandonedUploads(graceMs);
      let temporaryFiles = this.store instanceof LocalDiskBlobStore ? await this.store.sweepTemporaryFiles(graceMs) : 0;
      temporaryFiles += await this.sweepBulkWorkDir(graceMs);
      const staleJobs = await this.jobs.failStale(this.dataSource.manager, graceMs);
      return { abandonedBlobs, temporaryFiles, staleJobs };
    });
  }

  private async sweepBulkWorkDir(graceMs: number): Promise<number> {
    const names = await readdir(BULK_WORK_DIR).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const path = join(BULK_WORK_DIR, name);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > graceMs) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
