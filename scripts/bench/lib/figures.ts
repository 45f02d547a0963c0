/** Shared helpers of the benchmarks: the stack's environment, percentiles, durable-commit switching. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export function loadStackEnv(): void {
  const file = path.resolve(__dirname, '../../../.local/stack.env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match && process.env[match[1]] === undefined) process.env[match[1]] = match[2];
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  count: number;
}

export function latencyOf(values: readonly number[]): Latency {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    count: sorted.length,
  };
}

export const ms = (value: number): string => `${value.toFixed(1)} ms`;

/**
 * Commit setting of a database's new sessions. The local cluster runs `synchronous_commit=off` (see
 * scripts/lib/postgres.mjs); production commits durably (WAL flushed before COMMIT returns), which is
 * where commit-time locks such as NOTIFY's cost most. `durable` makes every later session of that
 * database commit durably; sessions already open keep their setting.
 */
export async function setDurableCommits(databaseUrl: string, durable: boolean): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ db: string }>(`SELECT current_database() AS db`);
    await client.query(`ALTER DATABASE "${rows[0].db}" SET synchronous_commit = ${durable ? 'on' : 'off'}`);
  } finally {
    await client.end();
  }
}

export const commitLabel = (durable: boolean): string =>
  durable ? 'durable commits' : 'local (synchronous_commit=off)';
