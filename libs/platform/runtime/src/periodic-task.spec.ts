import type { Logger } from 'pino';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  const logger = { error: jest.fn() } as unknown as Logger & { error: jest.Mock };
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('skips ticks while a run is in progress and stop() waits for that run', async () => {
    let release: () => void = () => undefined;
    const runs: number[] = [];
    const task = new PeriodicTask(
      'sweep',
      () => {
        runs.push(Date.now());
        return new Promise<void>((resolve) => (release = resolve));
      },
      logger,
    );
    task.start(100);
    jest.advanceTimersByTime(350); // three ticks, one run still going
    expect(runs).toHaveLength(1);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    jest.advanceTimersByTime(500); // stopped: no more runs
    expect(runs).toHaveLength(1);
  });

  it('logs a failed run and runs again on the next tick', async () => {
    const run = jest.fn().mockRejectedValueOnce(new Error('database away')).mockResolvedValue(undefined);
    const task = new PeriodicTask('audit', run, logger);
    task.start(100);
    jest.advanceTimersByTime(100);
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) }),
      'audit failed; the next tick retries',
    );
    jest.advanceTimersByTime(100);
    expect(run).toHaveBeenCalledTimes(2);
    await task.stop();
  });

  it('an interval of 0 never runs', () => {
    const run = jest.fn().mockResolvedValue(undefined);
    new PeriodicTask('off', run, logger).start(0);
    jest.advanceTimersByTime(10_000);
    expect(run).not.toHaveBeenCalled();
  });

  it('with a pace, schedules each run when the previous one ends, after the delay the pace gives', async () => {
    const runs: number[] = [];
    let release: () => void = () => undefined;
    const task = new PeriodicTask(
      'audit',
      () => {
        runs.push(Date.now());
        return new Promise<void>((resolve) => (release = resolve));
      },
      logger,
      (interval, last) => Math.max(0, interval - 2 * last),
    );
    const start = Date.now();
    task.start(1000);
    jest.advanceTimersByTime(1000); // first run after the interval
    expect(runs).toEqual([start + 1000]);
    jest.advanceTimersByTime(300); // the run takes 300 ms
    release();
    for (let i = 0; i < 10; i++) await Promise.resolve(); // the run's promise chain settles
    jest.advanceTimersByTime(399);
    expect(runs).toHaveLength(1);
    jest.advanceTimersByTime(1); // 1000 - 2 x 300 = 400 ms after it ended
    expect(runs).toEqual([start + 1000, start + 1700]);
    release();
    await task.stop();
    jest.advanceTimersByTime(5000);
    expect(runs).toHaveLength(2);
  });
});
