#!/usr/bin/env node
// `npm run migrate [-- --test] [service ...]`: brings the stack up if needed and runs the services'
// migrations against the development databases (or the `_test` ones with --test).
import { ensureDependencies } from './lib/deps.mjs';

const args = process.argv.slice(2);
const test = args.includes('--test');
const only = args.filter((a) => !a.startsWith('--'));
try {
  await ensureDependencies();
  const { stackUp } = await import('./lib/stack.mjs');
  const { runMigrations } = await import('./lib/migrations.mjs');
  const env = await stackUp();
  await runMigrations(env, { test, only, log: (m) => console.log(`[migrate] ${m}`) });
} catch (err) {
  console.error(`[migrate] ${err.message}`);
  process.exit(1);
}
