#!/usr/bin/env node
// `npm run stop`: ends whatever the local stack left running, by PID file: a running `npm start` first (it would
// restart the apps stopped under it; it stops everything itself), then the apps (they hold connections to the
// others), then Kafka, then PostgreSQL. Data stays in .local/.
import { stopAllApps } from './lib/apps.mjs';
import { files } from './lib/paths.mjs';
import { cmdlineOf, isAlive, readPid, stopPid } from './lib/proc.mjs';
import { stackDown } from './lib/stack.mjs';

const say = (msg) => console.log(`[stop] ${msg}`);
try {
  const launcher = readPid(files.launcherPid);
  if (launcher && isAlive(launcher) && cmdlineOf(launcher).includes('scripts/start.mjs')) {
    say(`stopping \`npm start\` (PID ${launcher})`);
    await stopPid(launcher, { graceMs: 60_000 });
  }
  await stopAllApps(say);
  await stackDown({ log: say });
} catch (err) {
  console.error(`[stop] ${err.message}`);
  process.exit(1);
}
