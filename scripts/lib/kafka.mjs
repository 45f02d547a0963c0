// A single-node KRaft Kafka broker run from jars fetched with Maven (no tarball, no Docker), and
// the explicit topic creation (auto.create.topics.enable=false: a typo must fail, not create a topic).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { dirs, files, LOOPBACK, ROOT } from './paths.mjs';
import {
  cmdlineOf,
  fatal,
  isAlive,
  portOpen,
  readPid,
  removeFile,
  run,
  stopPid,
  tailFile,
  waitFor,
  writePid,
} from './proc.mjs';

const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const MARKER = '.complete';
const HEAP = ['-Xms256m', '-Xmx768m'];
const STOP_GRACE_MS = 30_000; // controlled shutdown normally takes a few seconds

// ---------------------------------------------------------------------------------------------
// Java and the jar cache.

async function javaCommand() {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const res = await run(java, ['-version'], { check: false }).catch(() => null);
  const text = res ? `${res.stdout}${res.stderr}` : '';
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
  if (major < 17) {
    throw new Error(
      `Kafka 4 needs Java 17+ (${java}: ${m ? `version ${major}` : 'not found'}); install openjdk-17-jre-headless or set KAFKA_BROKERS`,
    );
  }
  return java;
}

const pomHash = () => createHash('sha256').update(readFileSync(files.kafkaPom)).digest('hex');

export function kafkaLibsReady() {
  try {
    return readFileSync(join(dirs.kafkaLibs, MARKER), 'utf8').trim() === pomHash();
  } catch {
    return false;
  }
}

/**
 * Copies the broker's runtime jars from Maven Central into .local/kafka/libs once. The download goes
 * to a temporary folder renamed into place, and a marker holding the pom's hash says the cache is
 * complete: an interrupted fetch or an edited pom.xml fetches again.
 */
export async function ensureKafkaLibs({ log = () => {} } = {}) {
  if (kafkaLibsReady()) return false;
  const mvn = await run('mvn', ['-v'], { check: false }).catch(() => null);
  if (!mvn || mvn.code !== 0)
    throw new Error('Maven (mvn) is needed once to fetch the Kafka jars; install maven or set KAFKA_BROKERS');
  log('fetching Kafka jars with Maven (once)');
  const tmp = `${dirs.kafkaLibs}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await run('mvn', [
    '-B',
    '-q',
    '-f',
    files.kafkaPom,
    `${DEPENDENCY_PLUGIN}:copy-dependencies`,
    `-DoutputDirectory=${tmp}`,
    '-DincludeScope=runtime',
  ]);
  const jars = readdirSync(tmp).filter((f) => f.endsWith('.jar'));
  if (!jars.some((j) => /^kafka_2\.13-.*\.jar$/.test(j))) throw new Error(`Maven copied no kafka_2.13 jar into ${tmp}`);
  writeFileSync(join(tmp, MARKER), `${pomHash()}\n`);
  rmSync(dirs.kafkaLibs, { recursive: true, force: true });
  renameSync(tmp, dirs.kafkaLibs);
  return true;
}

const classpath = () => `${dirs.kafkaLibs}/*`;

// ---------------------------------------------------------------------------------------------
// Configuration and storage.

function writeServerProperties(p) {
  mkdirSync(dirs.kafka, { recursive: true });
  const props = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    // Static voter: one combined node is the whole quorum.
    'controller.quorum.voters': `1@${LOOPBACK}:${p.kafkaController}`,
    listeners: `PLAINTEXT://${LOOPBACK}:${p.kafka},CONTROLLER://${LOOPBACK}:${p.kafkaController}`,
    'advertised.listeners': `PLAINTEXT://${LOOPBACK}:${p.kafka}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': dirs.kafkaData,
    // One broker: internal topics cannot have more than one replica.
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'default.replication.factor': '1',
    'min.insync.replicas': '1',
    // Consumers in tests join at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms': '0',
    // Topics are created explicitly by scripts/create-topics.ts from the contracts.
    'auto.create.topics.enable': 'false',
  };
  const text = `# Written by scripts/lib/kafka.mjs on every start: change that file, not this one.\n${Object.entries(
    props,
  )
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
  writeFileSync(files.kafkaProperties, text);
}

/** Formats the KRaft storage once; an existing meta.properties means the data is kept. */
async function ensureFormatted(java, log) {
  if (existsSync(join(dirs.kafkaData, 'meta.properties'))) return false;
  log('formatting Kafka storage (first start)');
  mkdirSync(dirs.kafkaData, { recursive: true });
  const common = ['-cp', classpath(), `-Dlog4j2.configurationFile=${files.kafkaLog4j}`, 'kafka.tools.StorageTool'];
  const uuid = (await run(java, [...common, 'random-uuid'])).stdout.trim().split('\n').pop().trim();
  await run(java, [...common, 'format', '-t', uuid, '-c', files.kafkaProperties]);
  writeFileSync(join(dirs.kafka, 'cluster.id'), `${uuid}\n`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Broker lifecycle.

/** PID of our broker if alive (the PID file's process really runs kafka.Kafka with our config). */
export function kafkaPid() {
  const pid = readPid(files.kafkaPid);
  return pid && isAlive(pid) && cmdlineOf(pid).includes(files.kafkaProperties) ? pid : null;
}

export async function kafkaRunning(port) {
  return Boolean(kafkaPid() && (await portOpen(port, LOOPBACK)));
}

/** Starts (or reuses) the broker and waits until it serves metadata. Resolves { pid, reused, formatted, fetched }. */
export async function startKafka(p, { log = () => {} } = {}) {
  const fetched = await ensureKafkaLibs({ log });
  if (await kafkaRunning(p.kafka)) {
    await waitKafkaReady(`${LOOPBACK}:${p.kafka}`, { pid: kafkaPid() });
    return { pid: kafkaPid(), reused: true, formatted: false, fetched };
  }
  if (kafkaPid()) {
    // Still starting (another `up` launched it a moment ago): wait instead of starting a second one.
    log('broker process is up but not listening yet; waiting for it');
    await waitForPort(p.kafka, kafkaPid());
    await waitKafkaReady(`${LOOPBACK}:${p.kafka}`, { pid: kafkaPid() });
    return { pid: kafkaPid(), reused: true, formatted: false, fetched };
  }
  for (const port of [p.kafka, p.kafkaController]) {
    if (await portOpen(port, LOOPBACK))
      throw new Error(`port ${port} is taken by another process; set ATP_KAFKA_PORT/ATP_KAFKA_CONTROLLER_PORT`);
  }
  const java = await javaCommand();
  writeServerProperties(p);
  const formatted = await ensureFormatted(java, log);
  // 59092/59093 lie in Linux's ephemeral port range (32768-60999): a client's outgoing connection
  // (even the broker's own connection to its controller port) can hold the port for a moment and the
  // bind fails. Rare, harmless on a retry.
  for (let attempt = 1; ; attempt++) {
    const logStart = existsSync(files.kafkaLog) ? readFileSync(files.kafkaLog).length : 0;
    const pid = launch(java);
    try {
      await waitForStartedLine(pid, logStart);
      await waitKafkaReady(`${LOOPBACK}:${p.kafka}`, { pid });
      return { pid, reused: false, formatted, fetched };
    } catch (err) {
      const tail = tailFile(files.kafkaLog, 30, logStart);
      if (
        attempt < 4 &&
        !isAlive(pid) &&
        /Address already in use/.test(readFileSync(files.kafkaLog).subarray(logStart).toString())
      ) {
        log(`broker could not bind its port (attempt ${attempt}); retrying`);
        await new Promise((r) => setTimeout(r, 1000 * attempt));
        continue;
      }
      if (isAlive(pid)) await stopPid(pid, { graceMs: 10_000 });
      err.message += `\n--- ${files.kafkaLog} ---\n${tail}`;
      throw err;
    }
  }
}

function launch(java) {
  mkdirSync(dirs.logs, { recursive: true });
  const out = openSync(files.kafkaLog, 'a');
  const child = spawn(
    java,
    [
      ...HEAP,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${files.kafkaLog4j}`,
      '-cp',
      classpath(),
      'kafka.Kafka',
      files.kafkaProperties,
    ],
    // Detached (own session): Ctrl-C in the terminal running `npm start` must not kill the broker
    // before the apps have shut down; the launcher stops it itself.
    { cwd: ROOT, detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  child.unref();
  writePid(files.kafkaPid, child.pid);
  return child.pid;
}

/**
 * Waits for the broker's "Kafka Server started" line instead of polling the port: connecting again
 * and again to a not-yet-bound port in the ephemeral range can make a socket connect to itself and
 * take the very port the broker is about to bind.
 */
function waitForStartedLine(pid, logStart) {
  return waitFor(
    'the Kafka broker to start',
    async () => {
      if (!isAlive(pid)) throw fatal(`the Kafka broker (PID ${pid}) exited during start-up`);
      const text = readFileSync(files.kafkaLog).subarray(logStart).toString();
      return /Kafka Server started/.test(text);
    },
    { timeoutMs: 120_000, intervalMs: 300 },
  );
}

function waitForPort(port, pid) {
  return waitFor(
    `Kafka on ${LOOPBACK}:${port}`,
    async () => {
      if (pid && !isAlive(pid)) throw fatal(`the Kafka broker (PID ${pid}) exited during start-up`);
      return portOpen(port, LOOPBACK);
    },
    { timeoutMs: 120_000 },
  );
}

/** Ready = KafkaJS gets the cluster description, and the group and transaction coordinators answer. */
export async function waitKafkaReady(brokers, { pid, timeoutMs = 120_000 } = {}) {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const kafka = new Kafka({
    clientId: 'atp-stack',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 3000,
  });
  return waitFor(
    `Kafka at ${brokers} to be ready`,
    async () => {
      if (pid && !isAlive(pid)) throw fatal(`the Kafka broker (PID ${pid}) exited during start-up`);
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (!cluster.brokers.length || cluster.controller === null || cluster.controller === undefined) return null;
        // The group coordinator loads __consumer_offsets after start-up; until then consumers get
        // COORDINATOR_LOAD_IN_PROGRESS. Asking it about any group proves it is ready.
        await admin.describeGroups(['atp-stack-readiness-probe']);
        // Likewise the transaction coordinator, which hands out producer ids to idempotent producers.
        const producer = kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          retry: { retries: 1, initialRetryTime: 100 },
        });
        try {
          await producer.connect();
        } finally {
          await producer.disconnect().catch(() => undefined);
        }
        return cluster;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** Controlled shutdown (SIGTERM), SIGKILL after 30 s. */
export async function stopKafka({ log = () => {} } = {}) {
  const pid = kafkaPid();
  if (!pid) {
    removeFile(files.kafkaPid);
    return false;
  }
  const started = Date.now();
  const graceful = await stopPid(pid, { signal: 'SIGTERM', graceMs: STOP_GRACE_MS });
  if (Date.now() - started >= STOP_GRACE_MS) log(`Kafka did not stop within ${STOP_GRACE_MS / 1000} s: killed`);
  if (!graceful) throw new Error(`could not stop Kafka PID ${pid}`);
  removeFile(files.kafkaPid);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Topics: scripts/create-topics.ts reads the list from @atp/contracts (TypeScript, hence a child process).

export async function createTopics(brokers, { quiet = true } = {}) {
  const res = await run(process.execPath, ['-r', files.register, files.createTopics], {
    cwd: ROOT,
    env: { ...process.env, KAFKA_BROKERS: brokers },
    check: false,
  });
  if (res.code !== 0) throw new Error(`creating topics failed (exit ${res.code}):\n${res.stdout}${res.stderr}`);
  if (!quiet) process.stdout.write(res.stdout);
  return res.stdout;
}
