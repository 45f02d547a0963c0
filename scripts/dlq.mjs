#!/usr/bin/env node
// `npm run dlq -- list|replay …`: the dead-letter tool (libs/platform/messaging/src/cli/dlq-cli.ts) against
// the local stack's broker, read from .local/stack.env, unless KAFKA_BROKERS (and the KAFKA_* security
// variables) are set in the environment, as on a cluster.
import { spawnSync } from 'node:child_process';
import { files, ROOT } from './lib/paths.mjs';
import { readStackEnv } from './lib/stack.mjs';

const env = { ...process.env };
if (!env.KAFKA_BROKERS) {
  const stack = readStackEnv();
  if (!stack?.KAFKA_BROKERS) {
    console.error(
      '[dlq] KAFKA_BROKERS is not set and .local/stack.env has none: start the stack (npm start) or set it',
    );
    process.exit(2);
  }
  env.KAFKA_BROKERS = stack.KAFKA_BROKERS;
}
const cli = ['-r', files.register, 'libs/platform/messaging/src/cli/dlq-cli.ts', ...process.argv.slice(2)];
const run = spawnSync(process.execPath, cli, { cwd: ROOT, env, stdio: 'inherit' });
process.exit(run.status ?? 1);
