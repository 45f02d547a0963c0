import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER, SERVICE_ENV } from '@atp/platform-runtime';
import { OrphanAuditor } from './orphan-auditor';

/**
 * The pause before the next audit so that an orphan written at any moment is in the log within `interval`: an orphan
 * written just after a run took its snapshot is seen by the next run, which commits `duration + pause + duration`
 * after that snapshot. A fixed-rate timer would give up to `interval + duration` (and a tick skipped while a long run
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly auditor: OrphanAuditor,
    @Inject(SERVICE_ENV) private readonly env: { INTEGRITY_AUDIT_INTERVAL_MS: number },
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.env.INTEGRITY_AUDIT_INTERVAL_MS;
    if (!interval) return;
    this.schedule(interval, nextAuditDelay(interval, 0));
  }

  private schedule(interval: number, delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const startedAt = Date.now();
      this.running = this.auditor.runScheduled()
        .then((run) => {
          if (run && run.totalOrphans > 0) this.logger.warn({ auditId: run.auditId, counts: run.counts }, 'orphan audit found orphans');
        })
        .catch((error: unknown) => this.logger.error({ err: error }, 'orphan audit failed; the next run retries'))
        .finally(() => {
          this.running = null;
          this.schedule(interval, nextAuditDelay(interval, Date.now() - startedAt));
        });
    }, delayMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
