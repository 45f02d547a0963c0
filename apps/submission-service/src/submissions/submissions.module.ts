import { Module } from '@nestjs/common';
import { IdempotencyStore } from '@atp/platform-http';
import { BLOB_STORE, createBlobStore } from '@atp/platform-blob-store';
import { SERVICE_ENV } from '@atp/platform-runtime';
import type { AppEnv } from '../config/env';
import { DocumentService } from '../documents/document.service';
import { DocumentsController } from '../documents/documents.controller';
import { SubmissionEvents } from './submission-events';
import { SubmissionQueries } from './submission-queries';
import { SubmissionRepository } from './submission.repository';
import { SubmissionService } from './submission.service';
import { SubmissionsController } from './submissions.controller';
import { SubmissionViews } from './submission-view';

@Module({
  controllers: [SubmissionsController, DocumentsController],
  providers: [
    IdempotencyStore,
    SubmissionRepository,
    SubmissionViews,
    SubmissionQueries,
    SubmissionEvents,
    SubmissionService,
    DocumentService,
    { provide: BLOB_STORE, inject: [SERVICE_ENV], useFactory: (env: AppEnv) => createBlobStore(env) },
  ],
  exports: [
    SubmissionRepository,
    SubmissionEvents,
    SubmissionService,
    DocumentService,
    SubmissionViews,
    BLOB_STORE,
    IdempotencyStore,
  ],
})
export class SubmissionsModule {}
