/**
 * Integrity benchmark (issue 13): invalid claim → safe state, p50/p95/p99 (target p99 ≤ 1 s). Runs config-service
 * (the owner and its validation consumer) and workflow-service (the claimant and its compensation consumer) in one
 * process on the dev databases of the local stack, with their real outbox relays and Kafka consumers:
 * npm run migrate; set -a; . .local/stack.env; set +a; node -r ./scripts/register.cjs
 * scripts/bench/invalid-claim-bench.ts
 * Each workflow is started by workflow-service for a workspace config-service never heard of, so its
 * `workflow.started` is an invalid claim. Measured per workflow: its commit (`started_at`) → ON_HOLD committed
 * (`held_at`), i.e. relay → Kafka → validator → relay → Kafka → compensation. BENCH_CLAIMS (default 200) claims,
 * one every BENCH_INTERVAL_MS (default 25 ms).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { demoApprovalMatrix, demoClusterMapping, demoScopeConfig, demoUserId } from '@atp/approval-routing';
import { runInWorkspace } from '@atp/platform-database';
import { createHttpAdapter } from '@atp/platform-http';
import { connectInboxConsumers } from '@atp/platform-runtime';
import { testIssuerEnv, waitFor } from '@atp/testing';
import { AppModule as ConfigApp } from '../../apps/config-service/src/app.module';
import { loadAppEnv as configEnv } from '../../apps/config-service/src/config/env';
import { AppModule as WorkflowApp } from '../../apps/workflow-service/src/app.module';
import { loadAppEnv as workflowEnv } from '../../apps/workflow-service/src/config/env';
import { ReplicaRepository } from '../../apps/workflow-service/src/replica/replica.repository';
import { toStartRequest } from '../../apps/workflow-service/src/start/start-request';
import { WorkflowStarter } from '../../apps/workflow-service/src/start/workflow-starter.service';

const quantile = (samples: number[], q: number) =>
  [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(samples.length * q))];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(name: 'config' | 'workflow', url: string | undefined): Promise<INestApplication> {
  if (!url) throw new Error(`the ${name} database URL is not set: source .local/stack.env first`);
  const base = {
    ...process.env,
    ...testIssuerEnv(),
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    OUTBOX_POLL_INTERVAL_MS: '200',
  };
  const env =
    name === 'config'
      ? configEnv({ ...base, SERVICE_NAME: 'config-service' })
      : workflowEnv({ ...base, SERVICE_NAME: 'workflow-service', SLA_SWEEP_INTERVAL_MS: '0' });
  const root = name === 'config' ? ConfigApp.forRoot(env as never) : WorkflowApp.forRoot(env as never);
  const app = await NestFactory.create(root, createHttpAdapter(), { logger: false, bodyParser: false });
  await app.init();
  await connectInboxConsumers(app);
  return app;
}

async function main(): Promise<void> {
  const config = await start('config', process.env.CONFIG_DATABASE_URL);
  const workflow = await start('workflow', process.env.WORKFLOW_DATABASE_URL);
  // known to workflow-service's replicas only: every start is an invalid claim for config-service
  const ws = randomUUID();
  // Row-level security: the bench's own reads and writes run in the bench workspace's scope.
  try {
    await runInWorkspace(ws, () => measure(workflow, config.get(DataSource), ws));
  } finally {
    await workflow.close();
    await config.close();
  }
}

async function measure(workflow: INestApplication, configDs: DataSource, ws: string): Promise<void> {
  const claims = Number(process.env.BENCH_CLAIMS ?? 200);
  const intervalMs = Number(process.env.BENCH_INTERVAL_MS ?? 25);
  const ds = workflow.get(DataSource);
  {
    const cv = { approvalMatrix: `bench-m-${ws}`, clusterMapping: `bench-c-${ws}`, scopeConfig: `bench-s-${ws}` };
    await ds.transaction(async (m) => {
      const replica = workflow.get(ReplicaRepository);
      await replica.saveSnapshot(m, demoApprovalMatrix({ workspaceId: ws, configVersionId: cv.approvalMatrix }), 1);
      await replica.saveSnapshot(m, demoClusterMapping({ workspaceId: ws, configVersionId: cv.clusterMapping }), 1);
      await replica.saveSnapshot(m, demoScopeConfig({ workspaceId: ws, configVersionId: cv.scopeConfig }), 1);
      for (const role of ['BO', 'SME', 'HEAD_NOC', 'FOP_RTS', 'REGION_TEAM', 'RTH', 'PMO', 'ROH']) {
        for (const seat of ['primary', 'backup'] as const) {
          await m.query(
            `INSERT INTO member_replica (membership_id, workspace_id, user_id, role, is_active) VALUES ($1,$2,$3,'APPROVER',true)`,
            [randomUUID(), ws, demoUserId(role, 'JKT-01', seat)],
          );
        }
      }
      await m.query(
        `INSERT INTO member_replica (membership_id, workspace_id, user_id, role, is_active) VALUES ($1,$2,'bench-sub','DOC_CONTROL',true)`,
        [randomUUID(), ws],
      );
    });
    // Consumers join their groups in the background; the first claims must not arrive before they do.
    await sleep(Number(process.env.BENCH_WARMUP_MS ?? 8000));
    const starter = workflow.get(WorkflowStarter);
    for (let i = 0; i < claims; i++) {
      const payload = {
        submissionId: `bench-claim-${ws}-${i}`,
        attemptNumber: 1,
        workspaceId: ws,
        siteId: `site-fabricated-${i}`,
        siteCode: 'S',
        clusterCode: 'JKT-01',
        regionCode: 'JABO',
        scopeCode: 'DEMO',
        vendorCode: null,
        atpCategory: 'PLN_UPGRADE',
        submittedBy: 'bench-sub',
        qaApprovedBy: 'qa',
        pinnedConfigVersions: cv,
      };
      await ds.transaction((m) => starter.start(m, toStartRequest(payload, randomUUID(), randomUUID())));
      await sleep(intervalMs);
    }
    const count = async (status: string) =>
      Number(
        (
          await ds.query(`SELECT count(*) AS n FROM workflow_instances WHERE workspace_id = $1 AND status = $2`, [
            ws,
            status,
          ])
        )[0].n,
      );
    const startedCount = (await count('IN_PROGRESS')) + (await count('ON_HOLD'));
    await waitFor(async () => (await count('ON_HOLD')) === startedCount, {
      timeoutMs: 120_000,
      intervalMs: 200,
      what: 'every invalid workflow ON_HOLD',
    });
    const rows = (await ds.query(
      `SELECT extract(epoch FROM (held_at - started_at)) * 1000 AS ms FROM workflow_instances WHERE workspace_id = $1 AND status = 'ON_HOLD'`,
      [ws],
    )) as Array<{ ms: string }>;
    const samples = rows.map((r) => Number(r.ms));
    console.log(
      `invalid claim → safe state: ${samples.length} workflows ON_HOLD (INVALID_REFERENCE); p50 ${quantile(samples, 0.5).toFixed(0)} ms, ` +
        `p95 ${quantile(samples, 0.95).toFixed(0)} ms, p99 ${quantile(samples, 0.99).toFixed(0)} ms, max ${Math.max(...samples).toFixed(0)} ms (target p99 ≤ 1000 ms)`,
    );
    await printBreakdown(ds, configDs, ws);
  }
}

/**
 * Where the time goes, per hop of the chain (start → relay → Kafka → validator → relay → Kafka → compensation), from
 * the timestamps the platform already writes: outbox `created_at` / `published_at` (published = marked after Kafka's
 * ack, so a relay hop includes the mark), inbox `processed_at` (when the handler's transaction inserted the inbox row)
 * and the workflow's `started_at` (the clock when the start began, before routing) / `held_at`.
 */
async function printBreakdown(ds: DataSource, configDs: DataSource, ws: string): Promise<void> {
  const epoch = (d: Date | string | null) => (d === null ? NaN : new Date(d).getTime());
  const wf = (await ds.query(
    `SELECT i.id, i.started_at, i.held_at, o.event_id AS started_event, o.created_at AS started_written, o.published_at AS started_published
       FROM workflow_instances i JOIN outbox o ON o.aggregate_id = i.id AND o.event_type = 'workflow.started'
      WHERE i.workspace_id = $1 AND i.status = 'ON_HOLD'`,
    [ws],
  )) as Array<{
    id: string;
    started_at: Date;
    held_at: Date;
    started_event: string;
    started_written: Date;
    started_published: Date;
  }>;
  const validated = new Map(
    (
      (await configDs.query(
        `SELECT i.event_id::text AS claim, i.processed_at, o.event_id::text AS rejection, o.published_at
         FROM inbox i JOIN outbox o ON o.envelope->'payload'->>'claimEventId' = i.event_id::text
        WHERE i.consumer = 'config-service.workflow-claims' AND i.event_id = ANY($1::uuid[])`,
        [wf.map((w) => w.started_event)],
      )) as Array<{ claim: string; processed_at: Date; rejection: string; published_at: Date }>
    ).map((r) => [r.claim, r]),
  );
  const compensated = new Map(
    (
      (await ds.query(
        `SELECT event_id::text AS rejection, processed_at FROM inbox WHERE consumer = 'workflow-service.reference-rejections'
        AND event_id = ANY($1::uuid[])`,
        [[...validated.values()].map((v) => v.rejection)],
      )) as Array<{ rejection: string; processed_at: Date }>
    ).map((r) => [r.rejection, r]),
  );
  const hops: Record<string, number[]> = {
    'start begins → workflow.started written (routing, stage rows)': [],
    'written → published (rest of the start, commit, relay)': [],
    'published → validator handling (Kafka, consumer fetch)': [],
    'validator → reference.rejected published (check, commit, relay)': [],
    'published → compensation handling (Kafka, consumer fetch)': [],
    'compensation → ON_HOLD': [],
  };
  const [start, relay1, fetch1, relay2, fetch2, hold] = Object.values(hops);
  for (const w of wf) {
    const v = validated.get(w.started_event);
    const c = v && compensated.get(v.rejection);
    if (!v || !c) continue;
    start.push(epoch(w.started_written) - epoch(w.started_at));
    relay1.push(epoch(w.started_published) - epoch(w.started_written));
    fetch1.push(epoch(v.processed_at) - epoch(w.started_published));
    relay2.push(epoch(v.published_at) - epoch(v.processed_at));
    fetch2.push(epoch(c.processed_at) - epoch(v.published_at));
    hold.push(epoch(w.held_at) - epoch(c.processed_at));
  }
  for (const [hop, values] of Object.entries(hops)) {
    console.log(
      `  ${hop.padEnd(66)} p50 ${quantile(values, 0.5).toFixed(0).padStart(5)} ms  p99 ${quantile(values, 0.99).toFixed(0).padStart(5)} ms`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
