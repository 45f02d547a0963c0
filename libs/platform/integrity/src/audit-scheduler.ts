import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER, SERVICE_ENV } from '@atp/platform-runtime';
import { OrphanAuditor } from './orphan-auditor';

/** Runs the audit of every workspace each `INTEGRITY_AUDIT_INTERVAL_MS` (0: never; the endpoint still works). */
@Injectable()
export class AuditScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly auditor: OrphanAuditor,
    @Inject(SERVICE_ENV) private readonly env: { INTEGRITY_AUDIT_INTERVAL_MS: number },
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.env.INTEGRITY_AUDIT_INTERVAL_MS;
    if (!interval) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.auditor.runScheduled()
        .then((run) => {
          if (run && run.totalOrphans > 0) this.logger.warn({ auditId: run.auditId, counts: run.counts }, 'orphan audit found orphans');
        })
        .catch((error: unknown) => this.logger.error({ err: error }, 'orphan audit failed; the next tick retries'))
        .finally(() => (this.running = null));
    }, interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
