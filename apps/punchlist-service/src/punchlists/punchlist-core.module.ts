import { Global, Module } from '@nestjs/common';
import { IdempotencyStore } from '@atp/platform-http';
import { SERVICE_ENV } from '@atp/platform-runtime';
import { Clock, SystemClock } from '../clock/clock';
import type { AppEnv } from '../config/env';
import { EvidenceStore, LocalDiskEvidenceStore } from '../evidence/evidence-store';
import { WorkflowFacts } from '../replica/workflow-facts';
import { PunchlistEventsPublisher } from './punchlist-events.publisher';
import { PunchlistRepository } from './punchlist.repository';

/** What every feature of the service shares: time, the punchlist tables, the outbox, the evidence store. */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: EvidenceStore, inject: [SERVICE_ENV], useFactory: (env: AppEnv) => new LocalDiskEvidenceStore(env.EVIDENCE_STORE_DIR) },
    IdempotencyStore,
    PunchlistRepository,
    PunchlistEventsPublisher,
    WorkflowFacts,
  ],
  exports: [Clock, EvidenceStore, IdempotencyStore, PunchlistRepository, PunchlistEventsPublisher, WorkflowFacts],
})
export class PunchlistCoreModule {}
