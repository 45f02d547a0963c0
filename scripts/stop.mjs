#!/usr/bin/env node
// `npm run stop`: ends whatever the local stack left running, by PID file: the apps first (they hold
// connections to the others), then Kafka, then PostgreSQL. Data stays in .local/.
import { stopAllApps } from './lib/apps.mjs';
import { stackDown } from './lib/stack.mjs';

const say = (msg) => console.log(`[stop] ${msg}`);
try {
  await stopAllApps(say);
  await stackDown({ log: say });
} catch (err) {
  console.error(`[stop] ${err.message}`);
  process.exit(1);
}
