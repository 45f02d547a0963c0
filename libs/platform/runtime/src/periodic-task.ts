import type { Logger } from 'pino';

/**
 * How long to wait before the next run, given the interval and how long the last run took. The default is a fixed
 * rate (the interval, whatever the run took); a task whose interval bounds a latency paces itself (the orphan audit).
 */
export type PaceOf = (intervalMs: number, lastRunMs: number) => number;

/**
 * A background job run every `intervalMs` (sweepers, scheduled audits): a run never overlaps the previous one
 * (a slow pass skips ticks instead of piling up), a failed run is logged and the next tick retries, the timer
 * keeps no process alive, and `stop()` waits for the run in progress so shutdown never cuts a transaction.
 * With a `pace`, each run is scheduled when the previous one ends, after the delay the pace gives.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly run: () => Promise<unknown>,
    private readonly logger: Logger,
    private readonly pace?: PaceOf,
  ) {}

  /** Starts ticking; an interval of 0 (or less) leaves the task off, for tests that run passes by hand. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.stopped = false;
    if (this.pace) {
      this.scheduleAfter(intervalMs, this.pace(intervalMs, 0));
      return;
    }
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearInterval(this.timer);
      clearTimeout(this.timer);
    }
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.run()
      .catch((error: unknown) => this.logger.error({ err: error }, `${this.name} failed; the next tick retries`))
      .finally(() => (this.running = null));
  }

  private scheduleAfter(intervalMs: number, delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const startedAt = Date.now();
      this.tick();
      void this.running?.finally(() =>
        this.scheduleAfter(intervalMs, (this.pace as PaceOf)(intervalMs, Date.now() - startedAt)),
      );
    }, delayMs);
    this.timer.unref();
  }
}
