/**
 * How the relay learns of new outbox rows (issue 14 item 3):
 * - `adaptive` (default): polls while events flow, backing off while the outbox stays empty; once idle
 *   it arms the commit notification and sleeps until one arrives (or the slow poll). Under load no
 *   commit notifies, so commits never queue on PostgreSQL's cluster-wide notify lock.
 * - `poll`: adaptive polling only, never armed (the notification trigger stays silent).
 * - `notify`: the earlier behaviour, every committing insert notifies; kept to measure against.
 */
export type RelayWakeUp = 'adaptive' | 'poll' | 'notify';

export interface RelayPacingOptions {
  wakeUp: RelayWakeUp;
  batchSize: number;
  /** The wait after a batch that found rows: the next events are probably already committing. */
  busyPollMs: number;
  /** Empty polls double the wait up to this; `adaptive` arms the notification once it is reached. */
  maxBusyPollMs: number;
  /** The slow poll while armed (or in `notify` mode): catches a notification that was missed. */
  idlePollMs: number;
}

export interface PacingStep {
  /** How long to sleep before the next batch (a notification ends the sleep early). */
  waitMs: number;
  /** Change the wake flag (`outbox_relay_wake.armed`) to this before sleeping; null leaves it. */
  arm: boolean | null;
}

/**
 * The relay's schedule, kept apart from its I/O. Arming races a writer whose insert ran before the flag
 * changed and commits after the relay's last look: that writer does not notify. The backoff therefore
 * goes on while armed (doubling up to the slow poll), which finds such a row within the next step.
 */
export class RelayPacer {
  private emptyPolls = 0;
  private armedNow: boolean;

  constructor(private readonly options: RelayPacingOptions) {
    this.armedNow = options.wakeUp === 'notify';
  }

  get armed(): boolean {
    return this.armedNow;
  }

  /** The flag a new leader writes before its first batch. */
  initialArm(): boolean {
    return this.armedNow;
  }

  next(published: number): PacingStep {
    const { wakeUp, batchSize, busyPollMs, maxBusyPollMs, idlePollMs } = this.options;
    if (wakeUp === 'notify') return { waitMs: published >= batchSize ? 0 : idlePollMs, arm: null };
    if (published > 0) {
      this.emptyPolls = 0;
      const arm = this.armedNow ? false : null;
      this.armedNow = false;
      return { waitMs: published >= batchSize ? 0 : busyPollMs, arm };
    }
    this.emptyPolls = Math.min(this.emptyPolls + 1, 30);
    const backoff = busyPollMs * 2 ** this.emptyPolls;
    if (wakeUp === 'poll') return { waitMs: Math.min(backoff, maxBusyPollMs), arm: null };
    if (backoff <= maxBusyPollMs) return { waitMs: backoff, arm: null };
    if (!this.armedNow) {
      this.armedNow = true;
      return { waitMs: 0, arm: true }; // one more look right after arming
    }
    return { waitMs: Math.min(backoff, idlePollMs), arm: null };
  }
}
