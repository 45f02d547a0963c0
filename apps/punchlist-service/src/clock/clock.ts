/**
 * The time the service believes it is. Injected everywhere a due date or a breach is computed, so tests
 * move time forward instead of waiting (the stall sweeper is tested with a clock weeks ahead).
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

  advanceDays(days: number): void {
    this.advanceHours(days * 24);
  }
}
