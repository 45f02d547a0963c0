import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { testIssuer, waitFor } from '@atp/testing';

/**
 * The production build (scripts/build.mjs, `nx run <app>:build`) is what the image runs: compiled
 * JavaScript, NODE_ENV=production, no TypeScript hook. This starts config-service from it against the
 * test stack and waits until it reports ready.
 */
const repoRoot = path.resolve(__dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('production build', () => {
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('compiles config-service to dist/ and serves /health/ready from the build with NODE_ENV=production', async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', 'config-service'], { cwd: repoRoot, stdio: 'pipe' });
    const main = path.join(repoRoot, 'dist/config-service/apps/config-service/src/main.js');
    expect(existsSync(main)).toBe(true);

    const port = await freePort();
    child = spawn(process.execPath, [main], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...(await testIssuer()).env,
        NODE_ENV: 'production',
        SERVICE_NAME: 'config-service',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        DATABASE_URL: process.env.CONFIG_DATABASE_URL,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    const ready = await waitFor(
      async () => {
        if (child?.exitCode !== null) throw new Error(`the build exited (${child?.exitCode}):\n${output}`);
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
        return response?.status === 200 ? ((await response.json()) as unknown) : undefined;
      },
      { timeoutMs: 60_000, what: 'config-service from dist/ to be ready' },
    );
    expect(ready).toMatchObject({ status: 'ready' });
  }, 90_000);
});
