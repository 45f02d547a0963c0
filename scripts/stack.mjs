#!/usr/bin/env node
// Local PostgreSQL + Kafka for development and tests: `node scripts/stack.mjs up|down|status`.
// State lives in .local/ (see scripts/lib/paths.mjs); `up` is idempotent and reuses what runs.
import { ensureDependencies } from './lib/deps.mjs';

const action = process.argv[2] ?? 'status';
if (!['up', 'down', 'status'].includes(action)) {
  console.error('usage: node scripts/stack.mjs up|down|status');
  process.exit(2);
}

try {
  if (action === 'up') await ensureDependencies(); // pg and kafkajs come from node_modules
  const { stackUp, stackDown, stackStatus } = await import('./lib/stack.mjs');
  if (action === 'up') await stackUp();
  else if (action === 'down') await stackDown();
  else for (const line of await stackStatus()) console.log(line);
} catch (err) {
  console.error(`[stack] ${action} failed: ${err.message}`);
  process.exit(1);
}
