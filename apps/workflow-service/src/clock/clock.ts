import { readFileSync, statSync } from 'node:fs';

/**
 * The time the service believes it is. Injected everywhere a due date or a breach is computed, so tests
 * move time forward instead of waiting (the SLA sweeper is tested with a clock days ahead).
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock tests set and advance by hand. */
export class ManualClock extends Clock {
  constructor(private current: Date = new Date()) {
    super();
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(to: Date): void {
    this.current = new Date(to.getTime());
  }

  advanceHours(hours: number): void {
    this.current = new Date(this.current.getTime() + hours * 3_600_000);
  }
}

/**
 * The system clock shifted by an offset read from a file (`CLOCK_OFFSET_FILE`, allowed only with
 * NODE_ENV=test): the end-to-end suite moves the whole running service forward in time (an SLA breach)
 * by writing `{"offsetMs": N}` to that file. The file is re-read when its modification time changes;
 * a missing or unreadable file means no offset.
 */
export class OffsetFileClock extends Clock {
  private offsetMs = 0;
  private seenMtimeMs = -1;

  constructor(private readonly file: string) {
    super();
  }

  now(): Date {
    this.refresh();
    return new Date(Date.now() + this.offsetMs);
  }

  private refresh(): void {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.file).mtimeMs;
    } catch {
      this.offsetMs = 0;
      this.seenMtimeMs = -1;
      return;
    }
    if (mtimeMs === this.seenMtimeMs) return;
    this.seenMtimeMs = mtimeMs;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { offsetMs?: unknown };
      this.offsetMs = typeof parsed.offsetMs === 'number' && Number.isFinite(parsed.offsetMs) ? parsed.offsetMs : 0;
    } catch {
      this.offsetMs = 0; // half-written: the next change of mtime re-reads it
      this.seenMtimeMs = -1;
    }
  }
}

/** The clock the environment asks for: the system clock, or in tests one shifted through CLOCK_OFFSET_FILE. */
export function clockFromEnv(env: { NODE_ENV: string; CLOCK_OFFSET_FILE: string }): Clock {
  return env.CLOCK_OFFSET_FILE ? new OffsetFileClock(env.CLOCK_OFFSET_FILE) : new SystemClock();
}
