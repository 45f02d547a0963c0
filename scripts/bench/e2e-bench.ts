// `npm run bench:e2e` (after `npm start`): the platform end to end through the gateway, on this machine.
//   1. stage decisions per second: BENCH_DECISIONS first-stage APPROVEs (default 400), BENCH_CONCURRENCY
//      callers (default 32), on the workflows of real submissions made for the bench (new sites, through the API);
//   2. decision → submission projection, p50/p99, with decisions sent at BENCH_RATE a second (default 100) on
//      BENCH_LAG_SUBMISSIONS real submissions (default 200) made through the submission API at new sites of the
//      seeded workspace: applied (database timestamps) and visible (a GET through the gateway shows the next stage,
//      polled every BENCH_POLL_MS, default 5);
//   3. pgbench with the SQL of one decision transaction (scripts/bench/lib/decision-sql.ts) on the same cluster,
//      BENCH_CONCURRENCY clients, and the ratio decisions/s ÷ its tps.
// Targets (issue 11): ≥ 1,000 decisions/s, ratio ≥ 0.4, lag p50 ≤ 10 ms and p99 ≤ 50 ms.
import path from 'node:path';
import { Client } from 'pg';
import { uniqueSuffix, waitFor } from '@atp/testing';
import { Api, expectStatus } from '../../e2e/support/api-client';
import { USERS } from '../../e2e/support/demo-data';
import { DevIssuerIdentity, stackEnvOf } from '../../e2e/support/dev-identity';
import { EventLog } from '../../e2e/support/event-log';
import { Submissions } from '../../e2e/support/submission-steps';
import { decide, expectedChain } from '../../e2e/support/workflow-steps';
import { activeVersions, itemsOf, type Site, type Workspace } from '../../e2e/support/workspace';
import { stackCpuPer, stackCpuSample } from './cpu-meter';
import { pgbenchDecision } from './lib/decision-sql';
import { latencyOf, loadStackEnv, ms } from './lib/figures';

const root = path.resolve(__dirname, '../..');
const local = process.env.ATP_LOCAL_DIR ?? path.join(root, '.local');
const portBase = Number(process.env.ATP_PORT_BASE ?? 3000);
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DECISIONS = num('BENCH_DECISIONS', 400);
const CONCURRENCY = num('BENCH_CONCURRENCY', 32);
const RATE = num('BENCH_RATE', 100);
const LAG_SUBMISSIONS = num('BENCH_LAG_SUBMISSIONS', 200);
const POLL_MS = num('BENCH_POLL_MS', 5);

const pct = (samples: number[], p: number) =>
  [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(samples.length * p))];
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

async function seededWorkspace(api: Api): Promise<Workspace> {
  const mine = itemsOf<{ workspaceId: string; code: string }>(
    expectStatus(await api.as(USERS.admin).get('/workspaces'), 200).body,
  );
  const seeded = mine.find((w) => w.code === 'XLSMART-AVIAT') ?? mine[0];
  if (!seeded) throw new Error('u-admin is a member of no workspace: did `npm start` seed the demo workspace?');
  // Every page: the sites earlier bench runs made (BENCH-…) sort before the seeded ones.
  const sites: Site[] = [];
  let cursor: string | null = null;
  do {
    const query: Record<string, string | number> = { limit: 200, ...(cursor ? { cursor } : {}) };
    const page = expectStatus(await api.as(USERS.admin).get(`/workspaces/${seeded.workspaceId}/sites`, { query }), 200);
    sites.push(...itemsOf<Site>(page.body));
    cursor = (page.body as { nextCursor: string | null }).nextCursor;
  } while (cursor);
  return {
    id: seeded.workspaceId,
    code: seeded.code,
    sites: new Map(sites.map((s) => [s.siteCode, s])),
    active: await activeVersions(api, seeded.workspaceId),
  };
}

interface ReadyStage {
  submissionId: string;
  workflowId: string;
  stageId: string;
  approver: string;
}

/**
 * `count` real submissions through the submission API, each at a new site of the seeded workspace (one open
 * submission per site, scope and category), submitted and QA-approved: their workflows' first stages. Events
 * made up for the bench would not do: submission-service refuses a workflow of a submission it does not hold,
 * and workflow-service then holds it (issue 13).
 */
async function benchStages(api: Api, workspace: Workspace, events: EventLog, count: number): Promise<ReadyStage[]> {
  const base = workspace.sites.get('JKT-0001');
  if (!base) throw new Error('the seeded workspace has no site JKT-0001');
  const submissions = new Submissions(api, workspace);
  const suffix = uniqueSuffix().toUpperCase().slice(0, 10);
  const codes = Array.from({ length: count }, (_, i) => `BENCH-${suffix}-${i}`);
  await pool(codes, 8, async (siteCode) => {
    expectStatus(
      await api.as(USERS.admin).put(`/workspaces/${workspace.id}/sites`, {
        siteCode,
        siteName: `bench ${siteCode}`,
        region: base.region,
        city: 'Jakarta',
        clusterCode: base.clusterCode,
        isActive: true,
      }),
      200,
      `site ${siteCode}`,
    );
  });
  const ready: ReadyStage[] = [];
  await pool(codes, 8, async (siteCode) => {
    // submission-service learns a new site from Kafka: a create may come too early (422), retried.
    const created = await waitFor(
      async () => {
        const answer = await api.as(USERS.docControl).post(`/workspaces/${workspace.id}/submissions`, {
          siteCode,
          scopeCode: 'MW_NEW',
          atpCategory: 'RAN_MW',
        });
        return answer.status === 422 ? undefined : expectStatus(answer, 201, 'create').body;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: `site ${siteCode} in submission-service` },
    );
    await submissions.upload(created.id);
    await submissions.submit(created.id);
    await submissions.qaReview(created.id, 'APPROVE', 'bench');
    const view = await submissions.waitForStatus(created.id, 'IN_REVIEW');
    // The submission can show IN_REVIEW before this process's consumer has read the start event.
    const started = await events.waitFor(
      (e) => e.eventType === 'workflow.started' && e.aggregateId === view.workflowInstanceId,
      `workflow.started of ${view.workflowInstanceId}`,
    );
    const stage = started.payload.stages[0];
    ready.push({
      submissionId: created.id,
      workflowId: String(view.workflowInstanceId),
      stageId: stage.stageId,
      approver: stage.approverUserId,
    });
  });
  return ready;
}

/** First-stage APPROVEs on real submissions' workflows, CONCURRENCY callers at once: only the decision is timed. */
async function throughput(api: Api, workspace: Workspace, events: EventLog) {
  const stages = await benchStages(api, workspace, events, DECISIONS);
  const latencies: number[] = [];
  let refused = 0;
  const cpu0 = stackCpuSample();
  const t0 = now();
  await pool(stages, CONCURRENCY, async ({ workflowId, stageId, approver }) => {
    const t = now();
    const answer = await decide(api, workspace.id, approver, workflowId, stageId, {
      decision: 'APPROVE',
      comment: 'bench',
    });
    latencies.push(now() - t);
    if (answer.status !== 200) refused++;
  });
  const seconds = (now() - t0) / 1000;
  return {
    cpu: stackCpuPer(cpu0, DECISIONS, 'decision'),
    perSecond: (DECISIONS - refused) / seconds,
    seconds,
    refused,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
  };
}

/** A database of the local cluster as its superuser (row-level security does not hide rows from it). */
async function queryAs<T>(database: string, sql: string, params: unknown[]): Promise<T[]> {
  const url = new URL(process.env.ATP_PG_ADMIN_URL as string);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Decision → projection applied, from the databases' own timestamps: the stage's `decided_at` (the decision's clock,
 * before its transaction) to the submission attempt's `updated_at` (the start of the projection's transaction, which
 * commits about a millisecond later). Nothing polls, so the measure adds no load of its own.
 */
async function appliedLags(ready: ReadyStage[]): Promise<number[]> {
  const decided = await queryAs<{ id: string; at: number }>(
    'atp_workflow',
    `SELECT id, extract(epoch FROM decided_at) * 1000 AS at FROM workflow_stages WHERE id = ANY($1)`,
    [ready.map((r) => r.stageId)],
  );
  const applied = await queryAs<{ wf: string; at: number }>(
    'atp_submission',
    `SELECT workflow_instance_id AS wf, extract(epoch FROM updated_at) * 1000 AS at
     FROM atp_submission_attempts WHERE workflow_instance_id = ANY($1)`,
    [ready.map((r) => r.workflowId)],
  );
  const decidedAt = new Map(decided.map((d) => [d.id, Number(d.at)]));
  const appliedAt = new Map(applied.map((a) => [a.wf, Number(a.at)]));
  return ready.map((r) => (appliedAt.get(r.workflowId) ?? NaN) - (decidedAt.get(r.stageId) ?? NaN));
}

/**
 * Real submissions at new sites, each IN_REVIEW at stage 1; then decisions paced at RATE a second. Two measures of
 * decision → projection: applied (database timestamps, above) and visible to a client (the decision's answer to a
 * GET through the gateway that shows stage 2, polled every POLL_MS: its resolution, and load of its own).
 */
async function projectionLag(api: Api, workspace: Workspace, events: EventLog) {
  const submissions = new Submissions(api, workspace);
  const ready = await benchStages(api, workspace, events, LAG_SUBMISSIONS);

  const visible: number[] = [];
  const gap = 1000 / RATE;
  const cpu0 = stackCpuSample();
  const t0 = now();
  let lastAnswered = t0;
  await Promise.all(
    ready.map(async (target, i) => {
      const at = t0 + i * gap;
      // the pacing of the load, not a wait for a result
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - now())));
      expectStatus(
        await decide(api, workspace.id, target.approver, target.workflowId, target.stageId, {
          decision: 'APPROVE',
          comment: 'bench',
        }),
        200,
        'decision',
      );
      const answered = now();
      lastAnswered = Math.max(lastAnswered, answered);
      await waitFor(async () => (await submissions.get(target.submissionId)).currentStageNumber === 2, {
        timeoutMs: 30_000,
        intervalMs: POLL_MS,
        what: `projection of ${target.submissionId}`,
      });
      visible.push(now() - answered);
    }),
  );
  // Decisions answered per second over the paced phase (below RATE when the stack cannot keep up).
  const offered = ready.length / ((lastAnswered - t0) / 1000);
  const cpu = stackCpuPer(cpu0, ready.length, 'decision made visible');
  const applied = await appliedLags(ready);
  return { cpu, samples: ready.length, applied: latencyOf(applied), visible: latencyOf(visible), offered };
}

async function main(): Promise<void> {
  loadStackEnv(); // the pgbench phase's scratch database needs ATP_PG_ADMIN_URL
  const env = stackEnvOf(local);
  const api = new Api(`http://127.0.0.1:${portBase}`, new DevIssuerIdentity(local));
  const brokers = (process.env.KAFKA_BROKERS ?? env.KAFKA_BROKERS).split(',');
  const workspace = await seededWorkspace(api);
  await expectedChain(api, workspace, 'RAN_MW', 'JKT-0001');
  const events = await EventLog.start(brokers);
  try {
    const decisions = await throughput(api, workspace, events);
    console.log(
      `decisions through the gateway: ${decisions.perSecond.toFixed(0)}/s (${DECISIONS} in ${decisions.seconds.toFixed(1)} s, ` +
        `${CONCURRENCY} callers, ${decisions.refused} refused), latency p50 ${decisions.p50.toFixed(1)} ms p99 ${decisions.p99.toFixed(1)} ms`,
    );
    console.log(`  where the CPU went: ${decisions.cpu}`);
    const lag = await projectionLag(api, workspace, events);
    console.log(
      `decision → projection, ${lag.samples} decisions paced at ${RATE}/s (answered ${lag.offered.toFixed(0)}/s): ` +
        `applied p50 ${ms(lag.applied.p50)}, p99 ${ms(lag.applied.p99)} (database timestamps); ` +
        `visible through the gateway p50 ${ms(lag.visible.p50)}, p99 ${ms(lag.visible.p99)} (after the answer, polled every ${POLL_MS} ms)`,
    );
    console.log(`  where the CPU went (polling included): ${lag.cpu}`);
    const tps = await pgbenchDecision({ durable: false, clients: CONCURRENCY });
    console.log(
      `pgbench, the SQL of one decision transaction, ${CONCURRENCY} clients: ${tps.toFixed(0)} tps; ` +
        `decisions through the gateway ÷ pgbench = ${(decisions.perSecond / tps).toFixed(2)} (target ≥ 0.4)`,
    );
    console.log('targets: ≥ 1,000 decisions/s; ratio ≥ 0.4; lag p50 ≤ 10 ms, p99 ≤ 50 ms');
  } finally {
    await events.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench:e2e] ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
