import type { Logger } from 'pino';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  const logger = { error: jest.fn() } as unknown as Logger & { error: jest.Mock };
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('skips ticks while a run is in progress and stop() waits for that run', async () => {
    let release: () => void = () => undefined;
    const runs: number[] = [];
    const task = new PeriodicTask('sweep', () => {
      runs.push(Date.now());
      return new Promise<void>((resolve) => (release = resolve));
    }, logger);
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
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'audit failed; the next tick retries');
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
});
