#!/usr/bin/env node
// Stops or starts only the local PostgreSQL cluster (the one on ATP_PG_PORT, managed under .local/).
// Used by tests that prove consumers survive a database outage:
//   node scripts/pg-control.mjs stop|start
import { ports } from './lib/paths.mjs';
import { startPg, stopPg } from './lib/postgres.mjs';
import { pgTarget } from './lib/stack.mjs';

const action = process.argv[2];
if (!['stop', 'start'].includes(action)) {
  console.error('usage: node scripts/pg-control.mjs stop|start');
  process.exit(2);
}
try {
  const target = pgTarget();
  if (!target.managed) throw new Error(`PostgreSQL at ${target.host}:${target.port} is not managed here`);
  if (action === 'stop') await stopPg();
  else await startPg(ports().pg, { log: (msg) => console.log(`[pg-control] ${msg}`) });
  console.log(`[pg-control] ${action} done`);
} catch (err) {
  console.error(`[pg-control] ${action} failed: ${err.message}`);
  process.exit(1);
}
