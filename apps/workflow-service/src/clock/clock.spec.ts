import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAppEnv } from '../config/env';
import { OffsetFileClock, SystemClock, clockFromEnv } from './clock';

const base = {
  SERVICE_NAME: 'workflow-service',
  PORT: '0',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db',
  KAFKA_BROKERS: '127.0.0.1:1',
  AUTH_ISSUER: 'https://issuer.test',
  AUTH_JWKS_URL: 'https://issuer.test/jwks',
};
const DAY = 86_400_000;

describe('OffsetFileClock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clock-spec-'));
  const file = join(dir, 'clock.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs with the system time while the file is absent, and shifts by the offset once written', () => {
    const clock = new OffsetFileClock(file);
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
    writeFileSync(file, JSON.stringify({ offsetMs: 3 * DAY }));
    expect(clock.now().getTime() - Date.now()).toBeGreaterThan(3 * DAY - 1000);
  });

  it('follows a rewritten offset and ignores a malformed file', () => {
    const clock = new OffsetFileClock(file);
    writeFileSync(file, JSON.stringify({ offsetMs: DAY }));
    expect(clock.now().getTime() - Date.now()).toBeGreaterThan(DAY - 1000);
    writeFileSync(file, '{"offsetMs": ');
    utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a new mtime even within the same millisecond
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
  });
});

describe('clockFromEnv', () => {
  it('is the system clock unless CLOCK_OFFSET_FILE is set', () => {
    expect(clockFromEnv(loadAppEnv(base))).toBeInstanceOf(SystemClock);
    expect(clockFromEnv(loadAppEnv({ ...base, NODE_ENV: 'test', CLOCK_OFFSET_FILE: '/tmp/x.json' }))).toBeInstanceOf(
      OffsetFileClock,
    );
  });

  it('refuses CLOCK_OFFSET_FILE outside NODE_ENV=test', () => {
    expect(() => loadAppEnv({ ...base, NODE_ENV: 'production', CLOCK_OFFSET_FILE: '/tmp/x.json' })).toThrow(
      /only accepted with NODE_ENV=test/,
    );
    expect(() => loadAppEnv({ ...base, CLOCK_OFFSET_FILE: '/tmp/x.json' })).toThrow(/only accepted with NODE_ENV=test/);
  });
});
