#!/usr/bin/env node
// `npm start`: everything a fresh clone needs to run the platform locally, in one command.
//   npm ci (if needed) → PostgreSQL + Kafka (scripts/lib/stack.mjs) → migrations → seed →
//   the five apps, each waited for on GET /health/ready → a table of URLs; an app that exits on its
//   own is restarted with back-off; Ctrl-C stops it all.
import { ensureDependencies } from './lib/deps.mjs';
import { files } from './lib/paths.mjs';
import { fatal, label, portOpen, removeFile, runPrefixed, sleep, tailFile, waitFor, writePid } from './lib/proc.mjs';
import { SERVICES, hasMain } from './lib/services.mjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/paths.mjs';

const READY_TIMEOUT_MS = 120_000;
/** An app that exits on its own is started again after 1 s, 2 s, 4 s … up to 30 s; a run of 60 s resets that. */
const RESTART_BACKOFF_MS = { initial: 1000, max: 30_000, stableAfter: 60_000 };
const say = (msg) => console.log(`[start] ${msg}`);

let phase = 'setup'; // setup → apps → running → stopping
let interrupted = false;
const running = new Map(); // app name → { svc, pid, logStart, child, tail }
let lib; // lazily imported modules that need node_modules
let devIssuer; // the development token issuer (closed on shutdown)
let stackEnvironment = null;

async function main() {
  writePid(files.launcherPid, process.pid);
  process.on('exit', () => removeFile(files.launcherPid));
  await ensureDependencies();
  lib = {
    ...(await import('./lib/stack.mjs')),
    ...(await import('./lib/migrations.mjs')),
    ...(await import('./lib/apps.mjs')),
    ...(await import('./lib/dev-issuer.mjs')),
  };
  lib.refuseInProduction('npm start');
  const stackEnv = await lib.stackUp();
  stackEnvironment = stackEnv;
  checkInterrupted();
  devIssuer = await lib.startDevIssuer();
  Object.assign(stackEnv, devIssuer.env);
  say(
    `development token issuer on ${devIssuer.issuer} (keys in .local/issuer/); \`npm run token -- <userId>\` prints a token`,
  );

  await lib.runMigrations(stackEnv, { log: (m) => say(`migrate: ${m}`) });
  checkInterrupted();

  const seed = join(ROOT, 'scripts', 'seed.mjs');
  if (existsSync(seed)) {
    say('seeding (scripts/seed.mjs)');
    const code = await runPrefixed(process.execPath, [seed], {
      cwd: ROOT,
      env: { ...process.env, ...stackEnv, NODE_ENV: 'development' },
      prefix: label('seed', 7),
    });
    if (code !== 0) throw new Error(`scripts/seed.mjs failed (exit ${code})`);
    checkInterrupted();
  }

  phase = 'apps';
  const present = SERVICES.filter((svc) => {
    if (!hasMain(svc)) say(`${svc.app}: apps/${svc.app}/src/main.ts does not exist yet; skipped`);
    return hasMain(svc);
  });
  // Services first, all at once; the gateway after them (it forwards to them).
  const services = present.filter((s) => s.key !== 'gateway');
  const gateway = present.filter((s) => s.key === 'gateway');
  for (const group of [services, gateway]) {
    if (group.length === 0) continue;
    for (const svc of group) await startApp(svc, stackEnv);
    await Promise.all(group.map((svc) => awaitReady(svc)));
    checkInterrupted();
  }

  phase = 'running';
  printTable(present, stackEnv);
  if (present.length === 0) {
    say('no app exists yet: the stack is up; `npm run stop` stops it');
    return;
  }
  // Keep streaming logs until a signal or until every app has exited (a pending promise alone
  // would not keep Node's event loop alive).
  setInterval(() => {}, 60_000);
}

async function startApp(svc, stackEnv, restarts = 0) {
  const leftover = lib.appPid(svc);
  if (leftover) {
    say(`${svc.app}: stopping a leftover instance (PID ${leftover})`);
    await lib.stopApp(svc, leftover);
  }
  if (await portOpen(svc.port)) throw new Error(`${svc.app}: port ${svc.port} is taken by another process`);
  const { pid, logStart, child } = lib.launchApp(svc, stackEnv);
  const index = SERVICES.indexOf(svc);
  const tail = lib.followLog(lib.logFileOf(svc), logStart, label(svc.app, index));
  const entry = { svc, pid, logStart, child, tail, exited: null, startedAt: Date.now(), restarts };
  running.set(svc.app, entry);
  child.once('exit', (code, signal) => onAppExit(entry, code, signal));
  say(`${svc.app}: started PID ${pid} on :${svc.port}, log ${lib.logFileOf(svc)}`);
}

async function awaitReady(svc) {
  const entry = running.get(svc.app);
  const started = Date.now();
  try {
    await waitFor(
      `${svc.app} GET /health/ready`,
      async () => {
        if (entry.exited) throw fatal(`${svc.app} exited (${entry.exited}) before it was ready`);
        return lib.ready(svc.port);
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 500 },
    );
  } catch (err) {
    entry.tail.stop();
    const log = lib.logFileOf(svc);
    console.error(
      `\n[start] ${err.message}\n----- last lines of ${log} -----\n${tailFile(log, 40, entry.logStart)}\n-----`,
    );
    throw Object.assign(new Error(`${svc.app} did not become ready`), { shown: true });
  }
  say(`${svc.app}: ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function onAppExit(entry, code, signal) {
  entry.exited = signal ?? `exit ${code}`;
  if (phase === 'stopping') return;
  setTimeout(() => entry.tail.stop(), 500); // let the last lines through
  say(`${entry.svc.app} exited (${entry.exited}); see ${lib.logFileOf(entry.svc)}`);
  if (phase === 'running') scheduleRestart(entry);
}

/** A crashed app (kill -9, uncaught error, failed start) is started again with back-off, and says so. */
function scheduleRestart(entry) {
  const stable = Date.now() - entry.startedAt >= RESTART_BACKOFF_MS.stableAfter;
  const restarts = stable ? 0 : entry.restarts;
  const delay = Math.min(RESTART_BACKOFF_MS.max, RESTART_BACKOFF_MS.initial * 2 ** restarts);
  say(`${entry.svc.app}: restarting in ${(delay / 1000).toFixed(0)} s (restart ${restarts + 1} in a row)`);
  setTimeout(async () => {
    if (phase !== 'running') return;
    try {
      await startApp(entry.svc, stackEnvironment, restarts + 1);
    } catch (err) {
      say(`${entry.svc.app}: restart failed: ${err.message}`);
      scheduleRestart({ ...entry, startedAt: Date.now(), restarts: restarts + 1 });
    }
  }, delay);
}

function printTable(present, stackEnv) {
  const rows = present.map((svc) => [svc.app, `http://127.0.0.1:${svc.port}`, `PID ${running.get(svc.app).pid}`]);
  rows.push(['postgres', `${stackEnv.ATP_PG_HOST}:${stackEnv.ATP_PG_PORT}`, 'admin atp/atp']);
  rows.push(['kafka', stackEnv.KAFKA_BROKERS, '']);
  if (devIssuer) rows.push(['token issuer', devIssuer.issuer, 'npm run token -- u-admin']);
  const width = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log('\n  ATP platform is running\n');
  for (const r of rows) console.log(`  ${r[0].padEnd(width[0])}  ${r[1].padEnd(width[1])}  ${r[2]}`);
  const gw = present.find((s) => s.key === 'gateway');
  if (gw) console.log(`\n  API: http://127.0.0.1:${gw.port}/api/v1   health: http://127.0.0.1:${gw.port}/health/ready`);
  console.log(`  Logs: .local/logs/<app>.log   Environment: ${files.stackEnv}`);
  console.log('  Ctrl-C stops the apps and the stack; if this terminal dies, `npm run stop` stops the leftovers.\n');
}

function checkInterrupted() {
  if (interrupted) throw Object.assign(new Error('interrupted'), { interrupted: true });
}

/** Apps first (SIGTERM, SIGKILL after 10 s), then Kafka and PostgreSQL. */
async function shutdown(exitCode) {
  if (phase === 'stopping') return;
  phase = 'stopping';
  say('stopping apps');
  await lib?.stopAllApps?.((m) => say(m));
  for (const e of running.values()) e.tail.stop();
  await devIssuer?.close();
  if (lib?.stackDown) {
    say('stopping the stack');
    await lib.stackDown();
  }
  process.exit(exitCode);
}

let signals = 0;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    signals += 1;
    if (signals > 1) {
      // Second Ctrl-C: do not wait for graceful shutdowns.
      console.error('[start] forced exit: killing apps; the stack stays up (`npm run stop`)');
      for (const e of running.values())
        if (!e.exited)
          try {
            process.kill(e.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
      process.exit(130);
    }
    say(`${sig} received`);
    interrupted = true;
    // During set-up, the main flow notices `interrupted` after its current step (stackUp must not
    // be cut in half); once apps are starting or running, stop right away.
    if (phase === 'apps' || phase === 'running') void shutdown(0);
  });
}

main().catch(async (err) => {
  if (phase === 'stopping') return; // a signal's shutdown() is already on it and exits
  if (err.interrupted) return shutdown(0);
  if (!err.shown) console.error(`[start] ${err.stack ?? err.message}`);
  if (phase === 'apps' || phase === 'running') {
    // Stop what was started; keep the stack up for a quick retry.
    phase = 'stopping';
    await lib.stopAllApps((m) => say(m));
    for (const e of running.values()) e.tail.stop();
    say('apps stopped; PostgreSQL and Kafka stay up (`npm run stop` stops them)');
  }
  await sleep(100);
  process.exit(1);
});
