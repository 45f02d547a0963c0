import type { Logger } from 'pino';

/**
 * A background job run every `intervalMs` (sweepers, scheduled audits): a run never overlaps the previous one
 * (a slow pass skips ticks instead of piling up), a failed run is logged and the next tick retries, the timer
 * keeps no process alive, and `stop()` waits for the run in progress so shutdown never cuts a transaction.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly name: string,
    private readonly run: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** Starts ticking; an interval of 0 (or less) leaves the task off, for tests that run passes by hand. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.run()
      .catch((error: unknown) => this.logger.error({ err: error }, `${this.name} failed; the next tick retries`))
      .finally(() => (this.running = null));
  }
}
