#!/usr/bin/env node
// The stack the end-to-end suite runs against, started the way `npm start` starts it: the seed, then
// the five apps as separate processes (scripts/lib/apps.mjs), services first and the gateway after
// them, each waited for on GET /health/ready. Differences from `npm start`, all on purpose:
//   - the `_test` databases (scripts/test.mjs has just recreated and migrated them) and their own
//     ports (ATP_E2E_PORT_BASE, default ATP_PORT_BASE + 10), so a running `npm start` is untouched;
//   - PID files, logs and state under .local/e2e/;
//   - the gateway's rate limits lifted (the suite provisions whole workspaces as one admin);
//   - NODE_ENV=test, with workflow-service's clock shifted through CLOCK_OFFSET_FILE (an SLA breach
//     is forced by moving time forward, not by waiting) and a fast SLA sweep.
// It then waits until every Kafka consumer group of the apps has joined, so no event a test
// produces right away is skipped by a group that is still forming.
//   node e2e/support/e2e-stack.mjs up     → writes .local/e2e/stack.json
//   node e2e/support/e2e-stack.mjs down
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const basePort = Number.parseInt(process.env.ATP_PORT_BASE || '3000', 10);
const e2ePortBase = Number.parseInt(process.env.ATP_E2E_PORT_BASE || String(basePort + 10), 10);
// services.mjs reads ATP_PORT_BASE when it is first imported: the e2e ports must be set before.
process.env.ATP_PORT_BASE = String(e2ePortBase);
// The apps export their spans here (OTLP/HTTP); the tracing spec listens on it, nothing does otherwise and
// the exporters drop what they cannot send.
const otlpPort = Number.parseInt(process.env.ATP_E2E_OTLP_PORT || String(e2ePortBase + 9), 10);

const { LOCAL, LOOPBACK } = await import('../../scripts/lib/paths.mjs');
const { SERVICES, envPrefix, hasMain } = await import('../../scripts/lib/services.mjs');
const { appEnv, ready } = await import('../../scripts/lib/apps.mjs');
const { cmdlineOf, isAlive, portOpen, readPid, removeFile, stopPid, tailFile, waitFor, writePid } = await import(
  '../../scripts/lib/proc.mjs'
);

const STATE = join(LOCAL, 'e2e');
const dirs = { run: join(STATE, 'run'), logs: join(STATE, 'logs') };
export const stateFile = join(STATE, 'stack.json');
const clockFile = join(STATE, 'clock.json');
const READY_TIMEOUT_MS = 180_000;
const say = (msg) => console.log(`[e2e-stack] ${msg}`);

const pidFileOf = (svc) => join(dirs.run, `${svc.app}.pid`);
const logFileOf = (svc) => join(dirs.logs, `${svc.app}.log`);
const relMain = (svc) => `apps/${svc.app}/src/main.ts`;

function livePid(svc) {
  const pid = readPid(pidFileOf(svc));
  return pid && isAlive(pid) && cmdlineOf(pid).includes(relMain(svc)) ? pid : null;
}

function required(name) {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run the suite with \`npm test -- --projects=e2e\` (it starts the stack and sets it)`,
    );
  return value;
}

/** The test-database URLs and token issuer scripts/test.mjs exports, in the shape appEnv() reads. */
function stackEnv() {
  const env = { KAFKA_BROKERS: required('KAFKA_BROKERS') };
  // The run's token issuer (scripts/test.mjs): the services trust its JWKS, the suite signs with its key.
  for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_FILE', 'AUTH_JWKS_URL'])
    env[name] = process.env[name] ?? '';
  required('AUTH_ISSUER');
  for (const svc of SERVICES) {
    const p = envPrefix(svc);
    env[`${p}_DATABASE_URL`] = required(`${p}_DATABASE_URL`);
    env[`${p}_MIGRATION_DATABASE_URL`] = process.env[`${p}_MIGRATION_DATABASE_URL`];
  }
  return env;
}

function launch(svc, env, attempt) {
  mkdirSync(dirs.logs, { recursive: true });
  const log = logFileOf(svc);
  const banner = `===== ${new Date().toISOString()} starting ${svc.app} on :${svc.port} (e2e, attempt ${attempt}) =====\n`;
  if (attempt === 1) writeFileSync(log, banner);
  else appendFileSync(log, banner);
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, ['-r', './scripts/register.cjs', relMain(svc)], {
    cwd: ROOT,
    env: {
      ...appEnv(svc, env),
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.ATP_E2E_LOG_LEVEL ?? 'warn',
      OUTBOX_POLL_INTERVAL_MS: '200',
      SLA_SWEEP_INTERVAL_MS: '500',
      CLOCK_OFFSET_FILE: clockFile,
      // One admin provisions every workspace of the suite, faster than a person could; the limiter
      // itself is tested in apps/gateway/test/proxy.int-spec.ts.
      RATE_LIMIT_PER_USER: '1000000',
      RATE_LIMIT_PER_WORKSPACE: '1000000',
      // Audits run when a test asks (POST …/integrity/…/audits): a scheduled one would write mid-sweep.
      INTEGRITY_AUDIT_INTERVAL_MS: '0',
      TRACING_ENABLED: process.env.ATP_E2E_TRACING ?? 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://${LOOPBACK}:${otlpPort}`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  writePid(pidFileOf(svc), child.pid);
  return child;
}

/** Consumer names declared in the apps' *.consumer.ts files: the group ids. */
function consumerGroups(present) {
  const groups = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.consumer.ts')) {
        // `InboxConsumerSpec = { name: '…' }` (the @EventPattern consumers), or the older `consumerName = '…'`.
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/(?:InboxConsumerSpec\s*=\s*\{\s*name:|consumerName\s*=)\s*'([^']+)'/g))
          groups.push(m[1]);
      }
    }
  };
  for (const svc of present) walk(join(ROOT, 'apps', svc.app, 'src'));
  return groups;
}

async function waitForGroups(groups, brokers) {
  if (groups.length === 0) return;
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const admin = new Kafka({
    brokers: brokers.split(','),
    clientId: 'atp-e2e-stack',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await waitFor(
      `consumer groups ${groups.join(', ')} to be stable`,
      async () => {
        const { groups: described } = await admin.describeGroups(groups);
        return described.every((g) => g.state === 'Stable' && g.members.length > 0);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  } finally {
    await admin.disconnect();
  }
}

async function up() {
  const started = Date.now();
  await down({ quiet: true }); // leftovers of an interrupted run
  mkdirSync(dirs.run, { recursive: true });
  writeFileSync(clockFile, JSON.stringify({ offsetMs: 0 }));
  const env = stackEnv();

  say('seeding the test databases (scripts/seed.mjs)');
  const seed = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/seed.mjs'], {
      cwd: ROOT,
      env: { ...process.env, CONFIG_DATABASE_URL: env.CONFIG_DATABASE_URL, NODE_ENV: 'test', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('close', (code) => resolve({ code, out }));
  });
  if (seed.code !== 0) throw new Error(`scripts/seed.mjs failed (exit ${seed.code})\n${seed.out}`);
  const demoWorkspaceId = /workspace \S+ \(([0-9a-f-]{36})\) ready/.exec(seed.out)?.[1] ?? null;

  const present = SERVICES.filter((svc) => hasMain(svc));
  const services = present.filter((s) => s.key !== 'gateway');
  const gateway = present.filter((s) => s.key === 'gateway');
  const pids = {};
  const start = (svc, attempt = 1, entry = {}) => {
    const child = launch(svc, env, attempt);
    pids[svc.app] = child.pid;
    Object.assign(entry, { svc, attempt, exited: null });
    child.once('exit', (code, signal) => (entry.exited = signal ?? `exit ${code}`));
    return entry;
  };
  for (const group of [services, gateway]) {
    const children = [];
    for (const svc of group) {
      if (await portOpen(svc.port)) throw new Error(`${svc.app}: port ${svc.port} is taken (set ATP_E2E_PORT_BASE)`);
      children.push(start(svc));
    }
    await Promise.all(
      children.map(async (entry) => {
        const { svc } = entry;
        try {
          await waitFor(
            `${svc.app} to be ready`,
            async () => {
              if (entry.exited) {
                // A loaded machine can make a boot time out on its first database connection: one more try.
                if (entry.attempt >= 2)
                  throw Object.assign(new Error(`${svc.app} exited (${entry.exited})`), { fatal: true });
                start(svc, entry.attempt + 1, entry);
                return false;
              }
              return ready(svc.port);
            },
            { timeoutMs: READY_TIMEOUT_MS, intervalMs: 500 },
          );
        } catch (err) {
          throw new Error(
            `${err.message}\n----- ${relative(ROOT, logFileOf(svc))} -----\n${tailFile(logFileOf(svc), 40)}`,
          );
        }
      }),
    );
  }
  const groups = consumerGroups(present);
  await waitForGroups(groups, env.KAFKA_BROKERS);

  const state = {
    gatewayUrl: `http://${LOOPBACK}:${e2ePortBase}`,
    ports: Object.fromEntries(present.map((s) => [s.app, s.port])),
    pids,
    logs: Object.fromEntries(present.map((s) => [s.app, logFileOf(s)])),
    clockFile,
    consumerGroups: groups,
    demoWorkspaceId,
    kafkaBrokers: env.KAFKA_BROKERS,
    otlpPort,
    databases: Object.fromEntries(present.map((s) => [s.key, env[`${envPrefix(s)}_DATABASE_URL`]])),
  };
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  say(
    `${present.map((s) => s.app).join(', ')} ready on :${e2ePortBase}-${e2ePortBase + 4} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

async function down({ quiet = false } = {}) {
  const stop = async (svc) => {
    const pid = livePid(svc);
    if (pid) {
      await stopPid(pid, { signal: 'SIGTERM', graceMs: 10_000 });
      if (!quiet) say(`${svc.app} stopped`);
    }
    removeFile(pidFileOf(svc));
  };
  // The gateway first (it forwards to the others), then the services together.
  await Promise.all(SERVICES.filter((s) => s.key === 'gateway').map(stop));
  await Promise.all(SERVICES.filter((s) => s.key !== 'gateway').map(stop));
  if (existsSync(stateFile) && statSync(stateFile).isFile()) rmSync(stateFile);
}

const command = process.argv[2];
const actions = { up, down };
if (!actions[command]) {
  console.error('usage: node e2e/support/e2e-stack.mjs up|down');
  process.exit(2);
}
actions[command]().then(
  () => process.exit(0),
  (err) => {
    console.error(`[e2e-stack] ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
