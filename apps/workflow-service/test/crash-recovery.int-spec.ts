import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { Partitioners, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  demoApprovalMatrix,
  demoClusterMapping,
  demoScopeConfig,
  demoUserId,
  type ConfigSnapshot,
} from '@atp/approval-routing';
import {
  ConfigVersionSnapshotV1,
  MembershipCreatedV1,
  SubmissionQaApprovedV1,
  type EventDefinition,
  type EventEnvelope,
  type SubmissionQaApprovedPayloadV1,
} from '@atp/contracts';
import {
  repoRoot,
  sleep,
  startTcpProxy,
  testKafka,
  testStack,
  uniqueSuffix,
  waitFor,
  type TcpProxy,
} from '@atp/testing';

/**
 * Fault injection against workflow-service as a real child process (its main.ts, as `npm start` runs
 * it): kill -9 in the middle of a stream of qa-approved events, then a PostgreSQL outage. Every event
 * must yield exactly one workflow, and consumption must come back by itself. The service reaches PostgreSQL
 * through a TCP proxy that the outage cuts (connections reset, new ones refused): the shared cluster stays up
 * for the test's own connection and for every other test file of the run. The times are measured
 * and printed, not asserted (this machine is shared; the figures go in the issue note): the test asserts that
 * consumption comes back by itself and that nothing is lost or duplicated.
 */
jest.setTimeout(600_000);

const workspaceId = randomUUID();
const suffix = uniqueSuffix();
const versions = {
  approvalMatrix: `cv-matrix-${suffix}`,
  clusterMapping: `cv-cluster-${suffix}`,
  scopeConfig: `cv-scope-${suffix}`,
};
const port = Number(process.env.ATP_PORT_BASE ?? 3000) + 40;
const databaseUrl = process.env.WORKFLOW_DATABASE_URL as string;
const logFile = `${repoRoot}/.local/crash-recovery-workflow-service.log`;

/** The test's own connection: it counts every workspace's rows, past row-level security (the bypass setting). */
const inspector = () =>
  new DataSource({ type: 'postgres', url: databaseUrl, poolSize: 2, extra: { options: '-c app.rls_bypass=on' } });

let producer: Producer;
let db: DataSource;
let pgProxy: TcpProxy;
let child: ChildProcess | null = null;

function envelope<P>(definition: EventDefinition<P>, aggregateId: string, payload: P): EventEnvelope<P> {
  return {
    eventId: randomUUID(),
    eventType: definition.eventType,
    schemaVersion: definition.schemaVersion,
    occurredAt: new Date().toISOString(),
    workspaceId,
    aggregateType: definition.aggregateType,
    aggregateId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    actorId: 'test',
    payload,
  };
}

async function send<P>(definition: EventDefinition<P>, aggregateId: string, payload: P): Promise<void> {
  await producer.send({
    topic: definition.topic,
    acks: -1,
    messages: [{ key: aggregateId, value: JSON.stringify(envelope(definition, aggregateId, payload)) }],
  });
}

function qaApproved(n: number): SubmissionQaApprovedPayloadV1 {
  return {
    submissionId: `crash-${suffix}-${String(n).padStart(5, '0')}`,
    attemptNumber: 1,
    workspaceId,
    siteId: `site-${suffix}`,
    siteCode: 'JKT-0001',
    clusterCode: 'JKT-01',
    regionCode: 'JABO',
    scopeCode: 'DEMO',
    vendorCode: null,
    atpCategory: 'PLN_UPGRADE',
    submittedBy: `doc-control-${suffix}`,
    qaApprovedBy: 'qa-1',
    pinnedConfigVersions: versions,
  };
}

/** workflow-service's own main.ts in a child process, on the test database and broker. */
function launch(): ChildProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const started = spawn(process.execPath, ['-r', './scripts/register.cjs', 'apps/workflow-service/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      SERVICE_NAME: 'workflow-service',
      PORT: String(port),
      DATABASE_URL: pgProxy.urlThrough(databaseUrl),
      KAFKA_BROKERS: testStack().kafkaBrokers.join(','),
      LOG_LEVEL: 'warn',
      SLA_SWEEP_INTERVAL_MS: '0',
      OUTBOX_POLL_INTERVAL_MS: '200',
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.stdout?.pipe(out);
  started.stderr?.pipe(out);
  return started;
}

/** Waits for the child to answer `path` with 200; fails at once, with its log, if the child exits meanwhile. */
async function untilHealthy(path: string, what: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while ((await probe(path)) !== 200) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      const log = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      throw new Error(`workflow-service exited (${child.exitCode ?? child.signalCode}) before ${what}:\n${log}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; see ${logFile}`);
    await sleep(100);
  }
}

async function probe(path: string): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return 0;
  }
}

const ours = `submission_id LIKE 'crash-${suffix}-%'`;
async function workflowCount(): Promise<number> {
  return (await db.query(`SELECT count(*)::int AS n FROM workflow_instances WHERE ${ours}`))[0].n;
}

/** Sends `count` events from `from` on, 20 every 100 ms (about the probe's 200/s), without waiting for them. */
async function stream(from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n += 20) {
    const batch = Array.from({ length: Math.min(20, from + count - n) }, (_, i) => qaApproved(n + i));
    await producer.send({
      topic: SubmissionQaApprovedV1.topic,
      acks: -1,
      messages: batch.map((p) => ({
        key: p.submissionId,
        value: JSON.stringify(envelope(SubmissionQaApprovedV1, p.submissionId, p)),
      })),
    });
    await sleep(100);
  }
}

/** Milliseconds from now until the workflow count grows past `from`. */
async function untilConsumptionResumes(from: number, what: string): Promise<number> {
  const t0 = Date.now();
  await waitFor(async () => (await workflowCount()) > from, { timeoutMs: 180_000, intervalMs: 100, what });
  return Date.now() - t0;
}

async function expectExactlyOneWorkflowPerEvent(total: number): Promise<void> {
  await waitFor(async () => (await workflowCount()) >= total, {
    timeoutMs: 300_000,
    intervalMs: 500,
    what: `${total} workflows`,
  });
  const [row] = await db.query(
    `SELECT count(*)::int AS instances, count(DISTINCT submission_id)::int AS submissions FROM workflow_instances WHERE ${ours}`,
  );
  expect(row).toEqual({ instances: total, submissions: total });
  expect(await db.query(`SELECT 1 FROM workflow_start_refusals WHERE ${ours}`)).toEqual([]);
}

beforeAll(async () => {
  const { hostname, port: pgPort } = new URL(databaseUrl);
  pgProxy = await startTcpProxy({ host: hostname, port: Number(pgPort) });
  db = await inspector().initialize();
  producer = testKafka('crash-recovery-test').producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const approvers = ['ROH', 'RTH'].flatMap((role) => [
    demoUserId(role, 'JKT-01', 'primary'),
    demoUserId(role, 'JKT-01', 'backup'),
  ]);
  for (const userId of [`doc-control-${suffix}`, ...approvers]) {
    const membershipId = `m-${suffix}-${userId}`;
    await send(MembershipCreatedV1, membershipId, {
      membershipId,
      workspaceId,
      userId,
      role: 'APPROVER',
      status: 'ACTIVE',
    });
  }
  const snapshots: ConfigSnapshot[] = [
    demoApprovalMatrix({ workspaceId, configVersionId: versions.approvalMatrix }),
    demoClusterMapping({ workspaceId, configVersionId: versions.clusterMapping }),
    demoScopeConfig({ workspaceId, configVersionId: versions.scopeConfig }),
  ];
  for (const snapshot of snapshots)
    await send(ConfigVersionSnapshotV1, snapshot.configVersionId, { snapshot } as never);
});

afterAll(async () => {
  // A child left running would keep consuming the test topics under the service's group ids and take
  // partitions from the test files that run after this one.
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    const hardKill = setTimeout(() => child?.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(hardKill);
  }
  await producer?.disconnect();
  await db?.destroy();
  await pgProxy?.close();
});

it('kill -9 during a stream of qa-approved events: one workflow per event, consuming again soon after the restart', async () => {
  child = launch();
  await untilHealthy('/health/ready', 'workflow-service ready');
  await waitFor(
    async () =>
      (await db.query(`SELECT 1 FROM config_snapshot_replica WHERE config_version_id = $1`, [versions.scopeConfig]))
        .length === 1,
    {
      timeoutMs: 60_000,
      what: 'the snapshots in the replica',
    },
  );

  const total = 600;
  const streaming = stream(0, total);
  await waitFor(async () => (await workflowCount()) >= 60, {
    timeoutMs: 120_000,
    intervalMs: 100,
    what: 'the first workflows',
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child?.once('exit', resolve));
  const killedAt = Date.now();
  const atKill = await workflowCount();

  child = launch();
  await untilHealthy('/health/live', 'the restarted instance to be up');
  const upAt = Date.now();
  const stillAt = await workflowCount();
  const resumeMs = await untilConsumptionResumes(stillAt, 'workflows from the restarted instance');
  process.stdout.write(
    `kill -9 at ${atKill} workflows; restarted instance up ${upAt - killedAt} ms after the kill; ` +
      `consuming ${resumeMs} ms after it was up (${upAt - killedAt + resumeMs} ms after the kill)\n`,
  );
  await streaming;
  await expectExactlyOneWorkflowPerEvent(total);
  await waitFor(async () => (await probe('/health/ready')) === 200, { timeoutMs: 30_000, what: 'ready again' });
});

it('PostgreSQL unreachable for 90 s: the consumer waits and comes back by itself, losing and duplicating nothing', async () => {
  const before = await workflowCount();
  await pgProxy.cut();
  const downAt = Date.now();
  try {
    await waitFor(async () => (await probe('/health/ready')) === 503, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'not ready while the database is down',
    });
    await stream(1000, 200); // queued in Kafka during the outage
    await sleep(Math.max(0, 90_000 - (Date.now() - downAt)));
  } finally {
    await pgProxy.restore();
  }
  const upAt = Date.now();
  const resumeMs = await untilConsumptionResumes(before, 'workflows after the outage');
  process.stdout.write(
    `PostgreSQL unreachable ${upAt - downAt} ms; consuming again ${Date.now() - upAt} ms after it was back (first poll ${resumeMs} ms)\n`,
  );
  await waitFor(async () => (await workflowCount()) >= before + 200, {
    timeoutMs: 300_000,
    intervalMs: 500,
    what: 'every event of the outage',
  });
  await expectExactlyOneWorkflowPerEvent(before + 200);
  await waitFor(async () => (await probe('/health/ready')) === 200, { timeoutMs: 30_000, what: 'ready again' });
});
