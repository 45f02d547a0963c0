/** Idle resident memory of config-service started from the production build (dist/) and from source. */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { testIssuerEnv, waitFor } from '@atp/testing';

const root = path.resolve(__dirname, '../../..');

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Starts the service, waits until it is ready, lets it idle `idleMs`, reads its RSS and stops it. */
export async function idleRss(from: 'build' | 'source', port: number, idleMs = 20_000): Promise<number> {
  const main = path.join(root, 'dist/config-service/apps/config-service/src/main.js');
  if (from === 'build')
    execFileSync(process.execPath, ['scripts/build.mjs', 'config-service'], { cwd: root, stdio: 'pipe' });
  const args = from === 'build' ? [main] : ['-r', './scripts/register.cjs', 'apps/config-service/src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      ...testIssuerEnv(),
      NODE_ENV: from === 'build' ? 'production' : 'development',
      SERVICE_NAME: 'config-service',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: process.env.CONFIG_DATABASE_URL,
      KAFKA_CLIENT_ID: 'bench-rss',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status === 200,
      {
        timeoutMs: 120_000,
        intervalMs: 500,
        what: `config-service (${from}) to be ready`,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    return rssMiB(child.pid!);
  } finally {
    child.kill('SIGTERM');
  }
}
