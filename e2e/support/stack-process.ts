import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
const stackScript = path.join('e2e', 'support', 'e2e-stack.mjs');

/** What e2e-stack.mjs wrote once the stack was ready (.local/e2e/stack.json). */
export interface E2eStackState {
  gatewayUrl: string;
  ports: Record<string, number>;
  pids: Record<string, number>;
  logs: Record<string, string>;
  clockFile: string;
  consumerGroups: string[];
  demoWorkspaceId: string | null;
  kafkaBrokers: string;
  /** Where the apps send their spans (OTLP/HTTP JSON on loopback); the tracing spec listens there. */
  otlpPort: number;
  /** Runtime-role URLs of each service's database (row counts of the security sweep). */
  databases: Record<string, string>;
}

export function stateFilePath(): string {
  const local = path.resolve(process.env.ATP_LOCAL_DIR || path.join(repoRoot, '.local'));
  return path.join(local, 'e2e', 'stack.json');
}

export function readStackState(): E2eStackState {
  const file = stateFilePath();
  if (!existsSync(file)) throw new Error(`${file} is missing: the e2e stack is not running (globalSetup starts it)`);
  return JSON.parse(readFileSync(file, 'utf8')) as E2eStackState;
}

/** Runs `node e2e/support/e2e-stack.mjs <command>` with its output shown; rejects on a non-zero exit. */
export function runStackScript(command: 'up' | 'down'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [stackScript, command], {
      cwd: repoRoot,
      env: process.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`e2e-stack.mjs ${command} exited with ${code}`)),
    );
  });
}
