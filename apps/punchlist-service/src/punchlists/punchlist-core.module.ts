import { Global, Module } from '@nestjs/common';
import { IdempotencyStore } from '@atp/platform-http';
import { BLOB_STORE, createBlobStore } from '@atp/platform-blob-store';
import { SERVICE_ENV } from '@atp/platform-runtime';
import { Clock, SystemClock } from '../clock/clock';
import type { AppEnv } from '../config/env';
import { WorkflowFacts } from '../replica/workflow-facts';
import { PunchlistEventsPublisher } from './punchlist-events.publisher';
import { PunchlistRepository } from './punchlist.repository';

/** What every feature of the service shares: time, the punchlist tables, the outbox, the evidence store. */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: BLOB_STORE, inject: [SERVICE_ENV], useFactory: (env: AppEnv) => createBlobStore(env) },
    IdempotencyStore,
    PunchlistRepository,
    PunchlistEventsPublisher,
    WorkflowFacts,
  ],
  exports: [Clock, BLOB_STORE, IdempotencyStore, PunchlistRepository, PunchlistEventsPublisher, WorkflowFacts],
})
export class PunchlistCoreModule {}
