import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { serviceTestEnv } from './app';
import { waitFor } from './wait';

type ServiceKey = 'config' | 'workflow' | 'submission' | 'punchlist';

export interface ServiceProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  /** What the process wrote (stdout and stderr), for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

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

export interface ServiceProcessOptions {
  readyTimeoutMs?: number;
  /**
   * `source` (default): `main.ts` through the TypeScript hook, NODE_ENV=development, as `npm start` runs it.
   * `build`: builds the app (scripts/build.mjs) and runs `dist/.../main.js` with NODE_ENV=production, as the
   * runtime image does (docker/Dockerfile).
   */
  from?: 'source' | 'build';
  /** Flags for the service's node (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/**
 * Another service of the platform as its own process on its test database and the test Kafka, for the tests of a
 * service that need the real other end of a message flow (the owner that checks a claim, the claimant that
 * compensates) without importing another app's code, and for benchmarks that measure a service's own CPU and memory.
 * Resolves once the process reports ready (database, Kafka and every consumer up).
 */
export async function startServiceProcess(
  service: ServiceKey,
  extra: Record<string, string> = {},
  options: ServiceProcessOptions = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const app = `${service}-service`;
  const fromBuild = options.from === 'build';
  const env = {
    ...serviceTestEnv(service, app, { LOG_LEVEL: 'warn', ...extra }),
    PORT: String(port),
    NODE_ENV: fromBuild ? 'production' : 'development',
  };
  if (fromBuild) execFileSync(process.execPath, ['scripts/build.mjs', app], { cwd: repoRoot, stdio: 'pipe' });
  const main = fromBuild
    ? [`dist/${app}/apps/${app}/src/main.js`]
    : ['-r', './scripts/register.cjs', `apps/${app}/src/main.ts`];
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...main], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const exitedEarly = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${app} exited with ${code} before it was ready`))),
  );
  exitedEarly.catch(() => undefined); // observed below; after a successful start an exit is stop()'s business
  try {
    await Promise.race([
      waitFor(async () => (await fetch(`${url}/health/ready`).catch(() => null))?.status === 200, {
        timeoutMs: options.readyTimeoutMs ?? 120_000,
        intervalMs: 500,
        what: `${app} (child process) to be ready`,
      }),
      exitedEarly,
    ]);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- ${app} output ---\n${output}`);
  }
  return { url, pid: child.pid!, output: () => output, stop };
}
