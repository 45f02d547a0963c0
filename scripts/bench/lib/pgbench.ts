/** pgbench references on the local cluster, each in a scratch database of its own. */
import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createScratchDatabase } from '@atp/testing';
import { setDurableCommits } from './figures';

const run = promisify(execFile);

export interface PgbenchOptions {
  clients?: number;
  seconds?: number;
  /** Transactions per second in total (pgbench -R); unthrottled when absent. */
  rate?: number;
  durable: boolean;
}

function tpsOf(output: string): number {
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(output) ?? /tps = ([\d.]+)/.exec(output);
  if (!match) throw new Error(`pgbench printed no tps:\n${output}`);
  return Number(match[1]);
}

async function pgbench(url: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run('pgbench', [...args, url], { maxBuffer: 16 * 1024 * 1024 });
  return `${stdout}\n${stderr}`;
}

/** TPC-B (pgbench's default script), scale 10, 32 clients: the reference for decisions/s. */
export async function pgbenchTpcb(options: PgbenchOptions): Promise<number> {
  const db = await createScratchDatabase('bench_pgbench');
  try {
    await setDurableCommits(db.url, options.durable);
    await pgbench(db.url, ['-i', '-q', '-s', '10']);
    return tpsOf(
      await pgbench(db.url, [
        '-n',
        '-c',
        String(options.clients ?? 32),
        '-j',
        '2',
        '-T',
        String(options.seconds ?? 10),
      ]),
    );
  } finally {
    await db.drop();
  }
}

/** A custom script run by pgbench after `prepare` and the set-up SQL (run once, through pgbench itself). */
export async function pgbenchScript(
  options: PgbenchOptions & {
    setup: string;
    script: string;
    prefix: string;
    prepare?: (url: string) => Promise<void>;
    onOutput?: (output: string) => void;
  },
): Promise<number> {
  const db = await createScratchDatabase(options.prefix);
  const dir = mkdtempSync(path.join(tmpdir(), 'atp-pgbench-'));
  try {
    await setDurableCommits(db.url, options.durable);
    await options.prepare?.(db.url);
    const setup = path.join(dir, 'setup.sql');
    const script = path.join(dir, 'script.sql');
    writeFileSync(setup, options.setup);
    writeFileSync(script, options.script);
    await pgbench(db.url, ['-n', '-t', '1', '-c', '1', '-f', setup]);
    const rate = options.rate ? ['-R', String(options.rate)] : [];
    const output = await pgbench(db.url, [
      '-n',
      '-c',
      String(options.clients ?? 32),
      '-j',
      '2',
      '-T',
      String(options.seconds ?? 10),
      ...rate,
      '-f',
      script,
    ]);
    options.onOutput?.(output);
    return tpsOf(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
}
