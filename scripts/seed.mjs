#!/usr/bin/env node
// Seeds the demo workspace (called by `npm start` after migrations). Each service seeds through its own code
// so that validation, triggers and outbox events apply; config-service is the only one with seed data so far.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stackEnvFile = path.join(root, '.local', 'stack.env');

function stackEnv() {
  if (!existsSync(stackEnvFile)) return {};
  return Object.fromEntries(
    readFileSync(stackEnvFile, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const env = { ...stackEnv(), ...process.env };
if (!env.CONFIG_DATABASE_URL || !env.KAFKA_BROKERS) {
  console.error('[seed] CONFIG_DATABASE_URL and KAFKA_BROKERS are needed (run `node scripts/stack.mjs up` first)');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['-r', './scripts/register.cjs', 'apps/config-service/src/seed/seed.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...env, DATABASE_URL: env.CONFIG_DATABASE_URL },
});
process.exit(result.status ?? 1);
