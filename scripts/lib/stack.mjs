// The local stack as functions: start/test/migrate scripts call these in-process; scripts/stack.mjs
// is the command-line face. PostgreSQL and Kafka are started only when no external one is named
// (ATP_PG_ADMIN_URL, KAFKA_BROKERS); either way the databases, roles and topics are provisioned.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirs, files, LOOPBACK, ports } from './paths.mjs';
import { elapsed, portOpen, withLock } from './proc.mjs';
import {
  SUPERUSER,
  SUPERUSER_PASSWORD,
  pgLayoutInfo,
  pgPid,
  provision,
  startPg,
  stopPg,
  withDatabase,
} from './postgres.mjs';
import { createTopics, kafkaPid, kafkaRunning, startKafka, stopKafka, waitKafkaReady } from './kafka.mjs';
import { pgUrl, serviceDbEnv } from './services.mjs';

const defaultLog = (msg) => console.log(`[stack] ${msg}`);
const isLocalHost = (h) => h === LOOPBACK || h === 'localhost';

/**
 * The PostgreSQL server to use. ATP_PG_ADMIN_URL naming our own local cluster (test.mjs exports it
 * to the tests, which may call back into these scripts) still means "the local one, managed here".
 */
export function pgTarget(p = ports()) {
  const raw = process.env.ATP_PG_ADMIN_URL;
  if (raw) {
    const u = new URL(raw);
    const port = Number(u.port || 5432);
    if (!(isLocalHost(u.hostname) && port === p.pg)) {
      return { managed: false, host: u.hostname, port, adminUrl: raw };
    }
  }
  const adminUrl = pgUrl({
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    host: LOOPBACK,
    port: p.pg,
    database: 'postgres',
  });
  return { managed: true, host: LOOPBACK, port: p.pg, adminUrl };
}

/** The Kafka brokers to use; KAFKA_BROKERS equal to the local broker's address still means "managed here". */
export function kafkaTarget(p = ports()) {
  const local = `${LOOPBACK}:${p.kafka}`;
  const raw = (process.env.KAFKA_BROKERS ?? '').trim();
  if (raw && !raw.split(',').every((b) => b === local || b === `localhost:${p.kafka}`)) {
    return { managed: false, brokers: raw };
  }
  return { managed: true, brokers: local };
}

async function upPostgres(p, log) {
  const t = Date.now();
  const target = pgTarget(p);
  if (target.managed) {
    const r = await startPg(p.pg, { log });
    log(
      `postgres ${r.reused ? 'already running' : r.initialized ? 'initialized and started' : 'started'}: PID ${r.pid}, ${LOOPBACK}:${p.pg} (${r.source}) ${elapsed(t)}`,
    );
  } else {
    log(`postgres: using external server ${target.host}:${target.port} (ATP_PG_ADMIN_URL)`);
  }
  const tp = Date.now();
  await provision(target.adminUrl);
  log(`postgres: databases and roles provisioned ${elapsed(tp)}`);
  return target;
}

async function upKafka(p, log) {
  const t = Date.now();
  const target = kafkaTarget(p);
  if (target.managed) {
    const r = await startKafka(p, { log });
    const what = r.reused ? 'already running' : r.formatted ? 'formatted and started' : 'started';
    log(`kafka ${what}: PID ${r.pid}, ${target.brokers}${r.fetched ? ' (jars fetched)' : ''} ${elapsed(t)}`);
  } else {
    await waitKafkaReady(target.brokers, { timeoutMs: 60_000 });
    log(`kafka: using external brokers ${target.brokers} (KAFKA_BROKERS)`);
  }
  const tt = Date.now();
  const out = await createTopics(target.brokers);
  log(`kafka: ${out.trim().split('\n')[0]} ${elapsed(tt)}`);
  return target;
}

/** Starts or reuses PostgreSQL and Kafka, provisions, writes .local/stack.env; resolves its entries. */
export async function stackUp({ log = defaultLog } = {}) {
  return withLock(
    files.lock,
    async () => {
      const t0 = Date.now();
      const p = ports();
      for (const d of [dirs.local, dirs.run, dirs.logs]) mkdirSync(d, { recursive: true });
      // Both at once: a cold start is dominated by initdb and the JVM, which overlap well.
      const [pg, kafka] = await Promise.allSettled([upPostgres(p, log), upKafka(p, log)]);
      for (const r of [pg, kafka]) if (r.status === 'rejected') throw r.reason;
      const env = buildEnv(pg.value, kafka.value);
      writeStackEnv(env);
      log(`stack ready in ${elapsed(t0)}; environment in ${files.stackEnv}`);
      return env;
    },
    { onWait: (pid) => log(`waiting for another stack command (PID ${pid}) to finish`) },
  );
}

function buildEnv(pg, kafka) {
  return {
    ATP_PG_HOST: pg.host,
    ATP_PG_PORT: String(pg.port),
    ATP_PG_ADMIN_URL: pg.adminUrl,
    KAFKA_BROKERS: kafka.brokers,
    ...(kafka.managed ? { ATP_KAFKA_PID_FILE: files.kafkaPid } : {}),
    ...serviceDbEnv(pg.host, pg.port),
  };
}

function writeStackEnv(env) {
  const body = [
    `# Written by \`node scripts/stack.mjs up\` (${new Date().toISOString()}). Local development credentials only.`,
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    '',
  ].join('\n');
  const tmp = `${files.stackEnv}.${process.pid}`;
  writeFileSync(tmp, body);
  renameSync(tmp, files.stackEnv); // atomic: a reader never sees half a file
}

/** The KEY=VALUE entries of .local/stack.env, or null when `up` has not run yet. */
export function readStackEnv() {
  if (!existsSync(files.stackEnv)) return null;
  const env = {};
  for (const line of readFileSync(files.stackEnv, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env;
}

/** Stops Kafka, then PostgreSQL (only those this project started). Data is kept. */
export async function stackDown({ log = defaultLog } = {}) {
  return withLock(files.lock, async () => {
    const t = Date.now();
    const kafkaStopped = await stopKafka({ log });
    log(kafkaStopped ? `kafka stopped ${elapsed(t)}` : 'kafka was not running');
    const tp = Date.now();
    const pgStopped = await stopPg();
    log(pgStopped ? `postgres stopped ${elapsed(tp)}` : 'postgres was not running');
  });
}

/** Restarts only the local broker (tests use it to prove consumers and producers recover). */
export async function kafkaControl(action, { log = defaultLog } = {}) {
  const p = ports();
  if (!kafkaTarget(p).managed) throw new Error('KAFKA_BROKERS names an external broker: nothing to control here');
  return withLock(files.lock, async () => {
    const t = Date.now();
    if (action === 'stop' || action === 'restart') {
      const stopped = await stopKafka({ log });
      log(stopped ? `kafka stopped ${elapsed(t)}` : 'kafka was not running');
    }
    if (action === 'start' || action === 'restart') {
      const ts = Date.now();
      const r = await startKafka(p, { log });
      log(`kafka ${r.reused ? 'already running' : 'started'}: PID ${r.pid} ${elapsed(ts)}`);
    }
  });
}

export async function stackStatus() {
  const p = ports();
  const pg = pgTarget(p);
  const kafka = kafkaTarget(p);
  const lines = [];
  if (pg.managed) {
    const pid = await pgPid();
    const up = pid && (await portOpen(p.pg, LOOPBACK));
    const { data } = await pgLayoutInfo();
    lines.push(
      `postgres  ${up ? `running  PID ${pid}  ${LOOPBACK}:${p.pg}` : pid ? `PID ${pid} alive but port ${p.pg} not answering` : 'stopped'}  data ${data}`,
    );
    if (up) lines.push(`          admin ${withDatabase(pg.adminUrl, 'postgres')}`);
  } else lines.push(`postgres  external ${pg.host}:${pg.port}`);
  if (kafka.managed) {
    const pid = kafkaPid();
    const up = await kafkaRunning(p.kafka);
    lines.push(
      `kafka     ${up ? `running  PID ${pid}  ${kafka.brokers} (controller ${p.kafkaController})` : pid ? `PID ${pid} alive but port ${p.kafka} not answering` : 'stopped'}  data ${dirs.kafkaData}`,
    );
  } else lines.push(`kafka     external ${kafka.brokers}`);
  lines.push(`stack.env ${existsSync(files.stackEnv) ? files.stackEnv : 'absent (run `node scripts/stack.mjs up`)'}`);
  return lines;
}
