import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { PeriodicTask, ROOT_LOGGER, SERVICE_ENV } from '@atp/platform-runtime';
import { OrphanAuditor } from './orphan-auditor';

/**
 * The pause before the next audit so that an orphan written at any moment is in the log within `interval`: an orphan
 * written just after a run took its snapshot is seen by the next run, which commits `duration + pause + duration`
 * after that snapshot. A fixed-rate schedule gives up to `interval + duration` (and a tick skipped while a long run
 * was busy, two intervals). The last run's duration estimates the next one; a run longer than half the interval
 * means the audits run back to back.
 */
export function nextAuditDelay(intervalMs: number, lastDurationMs: number): number {
  return Math.max(0, Math.round(intervalMs - 2 * lastDurationMs));
}

/**
 * Runs the audit of every workspace so that an orphan is detected within `INTEGRITY_AUDIT_INTERVAL_MS` (0: never; the
 * endpoint still works). One run at a time per process; across replicas the auditor's advisory lock skips a run.
 */
@Injectable()
export class AuditScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly schedule: PeriodicTask;

  constructor(
    auditor: OrphanAuditor,
    @Inject(SERVICE_ENV) private readonly env: { INTEGRITY_AUDIT_INTERVAL_MS: number },
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    const run = async () => {
      const result = await auditor.runScheduled();
      if (result && result.totalOrphans > 0)
        logger.warn({ auditId: result.auditId, counts: result.counts }, 'orphan audit found orphans');
    };
    this.schedule = new PeriodicTask('orphan audit', run, logger, nextAuditDelay);
  }

  onApplicationBootstrap(): void {
    this.schedule.start(this.env.INTEGRITY_AUDIT_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }
}
