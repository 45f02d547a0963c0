import { RelayPacer, type RelayWakeUp } from './relay-pacing';

const pacer = (wakeUp: RelayWakeUp) =>
  new RelayPacer({ wakeUp, batchSize: 100, busyPollMs: 2, maxBusyPollMs: 64, idlePollMs: 1000 });

describe('RelayPacer', () => {
  it('polls again at once after a full batch and shortly after a partial one, without notifications', () => {
    const p = pacer('adaptive');
    expect(p.initialArm()).toBe(false);
    expect(p.next(100)).toEqual({ waitMs: 0, arm: null });
    expect(p.next(3)).toEqual({ waitMs: 2, arm: null });
  });

  it('backs off while the outbox is empty, arms once idle, and keeps backing off up to the slow poll', () => {
    const p = pacer('adaptive');
    const waits = [1, 2, 3, 4, 5].map(() => p.next(0));
    expect(waits.map((s) => s.waitMs)).toEqual([4, 8, 16, 32, 64]);
    expect(waits.every((s) => s.arm === null)).toBe(true);
    expect(p.next(0)).toEqual({ waitMs: 0, arm: true }); // a last look right after arming
    expect(p.armed).toBe(true);
    expect([p.next(0), p.next(0), p.next(0), p.next(0)].map((s) => s.waitMs)).toEqual([256, 512, 1000, 1000]);
  });

  it('disarms when rows arrive after it armed, and starts the backoff from the beginning', () => {
    const p = pacer('adaptive');
    for (let i = 0; i < 6; i++) p.next(0);
    expect(p.armed).toBe(true);
    expect(p.next(1)).toEqual({ waitMs: 2, arm: false });
    expect(p.armed).toBe(false);
    expect(p.next(0)).toEqual({ waitMs: 4, arm: null });
  });

  it('never arms in poll mode, and stays armed with the slow poll in notify mode', () => {
    const poll = pacer('poll');
    const pollSteps = Array.from({ length: 10 }, () => poll.next(0));
    expect(pollSteps.every((s) => s.arm === null && s.waitMs <= 64)).toBe(true);
    const notify = pacer('notify');
    expect(notify.initialArm()).toBe(true);
    expect(notify.next(5)).toEqual({ waitMs: 1000, arm: null });
    expect(notify.next(100)).toEqual({ waitMs: 0, arm: null });
  });
});
