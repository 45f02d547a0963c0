/**
 * workflow-service benchmark (issue 14): decision transactions/s with 32 callers next to pgbench TPC-B on the same
 * cluster, the start handler transaction p50/p99, and a burst of qa-approved events → workflows through Kafka.
 * The real service providers run in-process against the dev database of the local stack:
 *   node -r ./scripts/register.cjs scripts/bench/workflow-bench.ts [--inbox]   (reads .local/stack.env)
 * or, from another script: `await runWorkflowBench()` (returns the figures, prints them unless `print: false`).
 * Rows go under a fresh workspace id, so the figures include the earlier runs' rows. Prints; asserts nothing.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';
import { demoApprovalMatrix, demoClusterMapping, demoScopeConfig, demoUserId } from '@atp/approval-routing';
import { SubmissionQaApprovedV1, type SubmissionQaApprovedPayloadV1 } from '@atp/contracts';
import { runInWorkspace } from '@atp/platform-database';
import { createHttpAdapter } from '@atp/platform-http';
import { connectInboxConsumers, InboxTransport } from '@atp/platform-runtime';
import { testIssuerEnv, testKafka, waitFor } from '@atp/testing';
import { AppModule } from '../../apps/workflow-service/src/app.module';
import { loadAppEnv } from '../../apps/workflow-service/src/config/env';
import { ReplicaRepository } from '../../apps/workflow-service/src/replica/replica.repository';
import { WorkflowStarter } from '../../apps/workflow-service/src/start/workflow-starter.service';
import { toStartRequest } from '../../apps/workflow-service/src/start/start-request';
import { StageDecisionService } from '../../apps/workflow-service/src/decisions/stage-decision.service';
import { WorkflowQueries } from '../../apps/workflow-service/src/queries/workflow-queries.service';
import { cpuSample } from './cpu-meter';

export interface WorkflowBenchOptions {
  /** Starts measured one by one (their first stages are then decided). */
  starts?: number;
  decisionCallers?: number;
  /** qa-approved events sent at once through Kafka. */
  burst?: number;
  /** The inbox query with ≥ 1,000,000 stages in the table (fills the table on the first run). */
  inbox?: boolean;
  pgbenchSeconds?: number;
  print?: boolean;
}

export interface WorkflowBenchFigures {
  pgbenchTps: number;
  decisionsPerSecond: number;
  /** Decisions refused because their workflow went ON_HOLD meanwhile (not in the rate). */
  decisionsHeld: number;
  decisionsVsPgbench: number;
  /** CPU of this process (callers, service, relay) per decision. */
  decisionCpuMs: number;
  /** CPU of the local PostgreSQL server (every backend, the relay's too) per decision; null when not local. */
  decisionPostgresCpuMs: number | null;
  /** The same for a pgbench TPC-B transaction (the reference's own cost on this cluster). */
  pgbenchPostgresCpuMs: number | null;
  startP50Ms: number;
  startP99Ms: number;
  burst: { events: number; seconds: number; perSecond: number };
  inboxP99Ms?: number;
}

const TARGETS = {
  decisionsPerSecond: 1000,
  decisionsVsPgbench: 0.4,
  startP99Ms: 10,
  burstSeconds: 10,
  burstPerSecond: 500,
};

function loadStackEnv(): void {
  const file = path.resolve(__dirname, '../../.local/stack.env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match && process.env[match[1]] === undefined) process.env[match[1]] = match[2];
  }
}

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
};
const msSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const PGBENCH = process.env.PGBENCH ?? '/usr/lib/postgresql/15/bin/pgbench';

/** pgbench TPC-B (scale 10, 32 clients) on a scratch database of the same cluster: the reference. */
function pgbenchTps(seconds: number): { tps: number; postgresCpuMs: number | null } {
  const admin = new URL(process.env.ATP_PG_ADMIN_URL as string);
  const env = {
    ...process.env,
    PGHOST: admin.hostname,
    PGPORT: admin.port,
    PGUSER: decodeURIComponent(admin.username),
    PGPASSWORD: decodeURIComponent(admin.password),
  };
  const psql = (sql: string) =>
    execFileSync(path.join(path.dirname(PGBENCH), 'psql'), ['-qAt', '-d', 'postgres', '-c', sql], { env }).toString();
  if (!psql(`SELECT 1 FROM pg_database WHERE datname = 'atp_pgbench'`).trim()) {
    psql('CREATE DATABASE atp_pgbench');
    execFileSync(PGBENCH, ['-i', '-q', '-s', '10', 'atp_pgbench'], { env, stdio: 'ignore' });
  }
  const cpu0 = cpuSample();
  const out = execFileSync(PGBENCH, ['-n', '-c', '32', '-j', '2', '-T', String(seconds), 'atp_pgbench'], {
    env,
  }).toString();
  const cpu = cpuSample();
  const match = /tps = ([\d.]+)/.exec(out);
  const processed = /number of transactions actually processed: (\d+)/.exec(out);
  if (!match || !processed) throw new Error(`pgbench printed no tps:\n${out}`);
  const postgresMs = cpu.postgresMs === null || cpu0.postgresMs === null ? null : cpu.postgresMs - cpu0.postgresMs;
  return { tps: Number(match[1]), postgresCpuMs: postgresMs === null ? null : postgresMs / Number(processed[1]) };
}

function qaApproved(
  ws: string,
  cv: SubmissionQaApprovedPayloadV1['pinnedConfigVersions'],
  id: string,
): SubmissionQaApprovedPayloadV1 {
  return {
    submissionId: id,
    attemptNumber: 1,
    workspaceId: ws,
    siteId: 's',
    siteCode: 'S',
    clusterCode: 'JKT-01',
    regionCode: 'JABO',
    scopeCode: 'DEMO',
    vendorCode: null,
    atpCategory: 'PLN_UPGRADE',
    submittedBy: 'sub',
    qaApprovedBy: 'qa',
    pinnedConfigVersions: cv,
  };
}

/** The demo matrix's versions and its approvers (and the submitter) as members of a new workspace. */
async function seedWorkspace(
  app: INestApplication,
  ws: string,
): Promise<SubmissionQaApprovedPayloadV1['pinnedConfigVersions']> {
  const ds = app.get(DataSource);
  const cv = { approvalMatrix: `bench-m-${ws}`, clusterMapping: `bench-c-${ws}`, scopeConfig: `bench-s-${ws}` };
  await runInWorkspace(ws, () =>
    ds.transaction(async (m) => {
      const replica = app.get(ReplicaRepository);
      await replica.saveSnapshot(m, demoApprovalMatrix({ workspaceId: ws, configVersionId: cv.approvalMatrix }), 1);
      await replica.saveSnapshot(m, demoClusterMapping({ workspaceId: ws, configVersionId: cv.clusterMapping }), 1);
      await replica.saveSnapshot(m, demoScopeConfig({ workspaceId: ws, configVersionId: cv.scopeConfig }), 1);
      const users = [
        'sub',
        ...['BO', 'SME', 'HEAD_NOC', 'FOP_RTS', 'REGION_TEAM', 'RTH', 'PMO', 'ROH'].flatMap((role) =>
          (['primary', 'backup'] as const).map((seat) => demoUserId(role, 'JKT-01', seat)),
        ),
      ];
      await m.query(
        `INSERT INTO member_replica (membership_id, workspace_id, user_id, role, is_active) SELECT gen_random_uuid()::text, $1, u, 'APPROVER', true
       FROM unnest($2::text[]) u`,
        [ws, users],
      );
    }),
  );
  return cv;
}

/** Start handler transactions one by one (what the inbox consumer commits per event, without Kafka). */
async function measureStarts(
  app: INestApplication,
  ws: string,
  cv: SubmissionQaApprovedPayloadV1['pinnedConfigVersions'],
  n: number,
) {
  const ds = app.get(DataSource);
  const starter = app.get(WorkflowStarter);
  const samples: number[] = [];
  let started = 0;
  for (let i = 0; i < n; i++) {
    const request = toStartRequest(qaApproved(ws, cv, `bench-${ws}-${i}`), randomUUID(), randomUUID());
    const t = process.hrtime.bigint();
    const outcome = await runInWorkspace(ws, () => ds.transaction((m) => starter.start(m, request)));
    samples.push(msSince(t));
    if (outcome.kind === 'STARTED') started++;
  }
  if (started !== n) throw new Error(`only ${started} of ${n} starts started`);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

/**
 * With BENCH_PROFILE_DIR set, a CPU profile of `phase` alone (the whole-run --cpu-prof mixes in start-up and pgbench).
 */
async function profiled<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return work();
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(path.join(dir, `workflow-bench-${phase}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** Approves every PENDING stage of the workspace with `callers` concurrent callers. */
async function measureDecisions(app: INestApplication, ws: string, callers: number) {
  const ds = app.get(DataSource);
  const decisions = app.get(StageDecisionService);
  const pending = (await runInWorkspace(ws, () =>
    ds.query(
      `SELECT id, workflow_instance_id AS wf, approver_user_id AS who FROM workflow_stages WHERE workspace_id = $1 AND status = 'PENDING'`,
      [ws],
    ),
  )) as Array<{ id: string; wf: string; who: string }>;
  let next = 0;
  let held = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const server0 = cpuSample();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < pending.length) {
        const s = pending[next++];
        try {
          await runInWorkspace(ws, () =>
            decisions.decide({
              workspaceId: ws,
              workflowInstanceId: s.wf,
              stageId: s.id,
              actorId: s.who,
              idempotencyKey: randomUUID(),
              body: { decision: 'APPROVE', comment: 'bench' },
            }),
          );
        } catch (error) {
          // With `npm start` running, its submission-service refuses the bench's made-up submissions and the
          // workflows go ON_HOLD (issue 13's checks): those decisions are refused, counted apart.
          if ((error as { code?: string }).code !== 'WORKFLOW_ON_HOLD') throw error;
          held++;
        }
      }
    }),
  );
  const seconds = msSince(t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const server = cpuSample();
  const applied = pending.length - held;
  return {
    count: applied,
    held,
    seconds,
    perSecond: applied / seconds,
    cpuMsEach: (cpu.user + cpu.system) / 1000 / applied,
    postgresCpuMsEach:
      server.postgresMs === null || server0.postgresMs === null
        ? null
        : (server.postgresMs - server0.postgresMs) / applied,
  };
}

/** `events` qa-approved events sent at once to the consumers running in this process; seconds until all started. */
async function measureBurst(
  app: INestApplication,
  ws: string,
  cv: SubmissionQaApprovedPayloadV1['pinnedConfigVersions'],
  events: number,
) {
  const ds = app.get(DataSource);
  const transport = app.get(InboxTransport);
  await waitFor(async () => transport.statuses().length > 0 && transport.statuses().every((s) => s.ready), {
    timeoutMs: 60_000,
    what: 'consumers joined',
  });
  const producer = testKafka('workflow-bench').producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const prefix = `burst-${ws}-`;
  const count = async () =>
    Number(
      (
        await runInWorkspace(ws, () =>
          ds.query(
            `SELECT count(*)::int AS n FROM workflow_instances WHERE workspace_id = $1 AND submission_id LIKE $2`,
            [ws, `${prefix}%`],
          ),
        )
      )[0].n,
    );
  const t0 = process.hrtime.bigint();
  for (let from = 0; from < events; from += 500) {
    const ids = Array.from({ length: Math.min(500, events - from) }, (_, i) => `${prefix}${from + i}`);
    await producer.send({
      topic: SubmissionQaApprovedV1.topic,
      acks: -1,
      messages: ids.map((id) => ({
        key: id,
        value: JSON.stringify({
          eventId: randomUUID(),
          eventType: SubmissionQaApprovedV1.eventType,
          schemaVersion: SubmissionQaApprovedV1.schemaVersion,
          occurredAt: new Date().toISOString(),
          workspaceId: ws,
          aggregateType: SubmissionQaApprovedV1.aggregateType,
          aggregateId: id,
          aggregateVersion: 1,
          correlationId: randomUUID(),
          causationId: null,
          actorId: 'bench',
          payload: qaApproved(ws, cv, id),
        }),
      })),
    });
  }
  await waitFor(async () => (await count()) >= events, {
    timeoutMs: 600_000,
    intervalMs: 50,
    what: `${events} workflows`,
  });
  await producer.disconnect();
  const seconds = msSince(t0) / 1000;
  return { events, seconds, perSecond: events / seconds };
}

/** The inbox query with ≥ 1,000,000 stages in the table (an earlier issue's figure; opt-in). */
async function measureInbox(app: INestApplication): Promise<number> {
  const ds = app.get(DataSource);
  const fill = randomUUID();
  return runInWorkspace(fill, async () => {
    await ds.query(
      `INSERT INTO workflow_instances (id, workspace_id, submission_id, attempt_number, config_version_id, approval_policy_id, site_id, scope_id,
         atp_category, total_stages, submitted_by, routing_snapshot)
       SELECT 'fill-' || $1 || '-' || g, $1::uuid, 'fill-' || $1 || '-' || g, 1, 'cv', 'p', 's', 'sc', 'RAN_MW', 10, 'sub', '{}'::jsonb
       FROM generate_series(1, 100000) g`,
      [fill],
    );
    await ds.query(
      `INSERT INTO workflow_stages (workspace_id, workflow_instance_id, config_version_id, stage_number, stage_name, approval_role_id, role_code,
         approver_user_id, status, sla_hours, sla_due_at)
       SELECT $1::uuid, 'fill-' || $1 || '-' || i, 'cv', st, 'Stage', 'r', 'BO', 'fill-user-' || (i % 5000),
         CASE WHEN st = 1 THEN 'PENDING' ELSE 'WAITING' END, 24, CASE WHEN st = 1 THEN now() + (i % 100) * interval '1 hour' END
       FROM generate_series(1, 100000) i, generate_series(1, 10) st`,
      [fill],
    );
    await ds.query(`ANALYZE workflow_stages`);
    const queries = app.get(WorkflowQueries);
    const samples: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = process.hrtime.bigint();
      await queries.inbox(fill, `fill-user-${i % 5000}`, { limit: 50 });
      samples.push(msSince(t));
    }
    return percentile(samples, 0.99);
  });
}

function report(f: WorkflowBenchFigures, callers: number): void {
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(`pgbench TPC-B (scale 10, 32 clients, same cluster): ${f.pgbenchTps.toFixed(0)} tps (reference)`);
  console.log(
    `decisions: ${f.decisionsPerSecond.toFixed(0)}/s with ${callers} callers = ${f.decisionsVsPgbench.toFixed(2)} x pgbench` +
      (f.decisionsHeld > 0 ? ` (${f.decisionsHeld} refused: workflow ON_HOLD)` : '') +
      ` (target >= ${TARGETS.decisionsPerSecond}/s and >= ${TARGETS.decisionsVsPgbench} x: ` +
      `${mark(f.decisionsPerSecond >= TARGETS.decisionsPerSecond && f.decisionsVsPgbench >= TARGETS.decisionsVsPgbench)});` +
      ` node CPU ${f.decisionCpuMs.toFixed(2)} ms per decision` +
      (f.decisionPostgresCpuMs === null || f.pgbenchPostgresCpuMs === null
        ? ''
        : `, postgres CPU ${f.decisionPostgresCpuMs.toFixed(2)} ms per decision` +
          ` (${f.pgbenchPostgresCpuMs.toFixed(2)} ms per pgbench transaction)`),
  );
  console.log(
    `start handler transaction: p50 ${f.startP50Ms.toFixed(2)} ms, p99 ${f.startP99Ms.toFixed(2)} ms` +
      ` (target p99 <= ${TARGETS.startP99Ms} ms: ${mark(f.startP99Ms <= TARGETS.startP99Ms)})`,
  );
  console.log(
    `burst: ${f.burst.events} qa-approved events -> workflows in ${f.burst.seconds.toFixed(2)} s = ${f.burst.perSecond.toFixed(0)}/s` +
      ` (target <= ${TARGETS.burstSeconds} s for 5,000, >= ${TARGETS.burstPerSecond}/s: ${mark(f.burst.perSecond >= TARGETS.burstPerSecond)})`,
  );
  if (f.inboxP99Ms !== undefined)
    console.log(`inbox query with >= 1,000,000 stages: p99 ${f.inboxP99Ms.toFixed(2)} ms`);
}

export async function runWorkflowBench(options: WorkflowBenchOptions = {}): Promise<WorkflowBenchFigures> {
  loadStackEnv();
  const { starts = 2000, decisionCallers = 32, burst = 5000, pgbenchSeconds = 10, print = true } = options;
  const pgbench = pgbenchTps(pgbenchSeconds);
  const env = loadAppEnv({
    ...process.env,
    ...testIssuerEnv(),
    DATABASE_URL: process.env.WORKFLOW_DATABASE_URL,
    SERVICE_NAME: 'workflow-service-bench',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SLA_SWEEP_INTERVAL_MS: '0',
    DATABASE_POOL_SIZE: '40',
  });
  const app = await NestFactory.create(AppModule.forRoot(env), createHttpAdapter(), {
    logger: false,
    bodyParser: false,
  });
  await app.init();
  await connectInboxConsumers(app);
  try {
    const ws = randomUUID();
    const cv = await seedWorkspace(app, ws);
    const start = await profiled('starts', () => measureStarts(app, ws, cv, starts));
    const decisions = await profiled('decisions', () => measureDecisions(app, ws, decisionCallers));
    const burstFigures = await profiled('burst', () => measureBurst(app, ws, cv, burst));
    const figures: WorkflowBenchFigures = {
      pgbenchTps: pgbench.tps,
      decisionsPerSecond: decisions.perSecond,
      decisionsHeld: decisions.held,
      decisionsVsPgbench: decisions.perSecond / pgbench.tps,
      decisionCpuMs: decisions.cpuMsEach,
      decisionPostgresCpuMs: decisions.postgresCpuMsEach,
      pgbenchPostgresCpuMs: pgbench.postgresCpuMs,
      startP50Ms: start.p50,
      startP99Ms: start.p99,
      burst: burstFigures,
      ...(options.inbox ? { inboxP99Ms: await measureInbox(app) } : {}),
    };
    if (print) report(figures, decisionCallers);
    return figures;
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  runWorkflowBench({
    inbox: process.argv.includes('--inbox'),
    burst: Number(process.env.BENCH_BURST ?? 5000),
    starts: Number(process.env.BENCH_STARTS ?? 2000),
    pgbenchSeconds: Number(process.env.BENCH_PGBENCH_SECONDS ?? 10),
  }).then(
    (figures) => {
      // `npm run bench` runs this file as a child (a fresh process per commit setting) and reads this line.
      if (process.argv.includes('--json')) console.log(`WORKFLOW_BENCH_JSON ${JSON.stringify(figures)}`);
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
