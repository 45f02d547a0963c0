/**
 * workflow-service benchmark: decision transactions/s, start (event handled → instance committed) p99,
 * inbox query p99 with ≥ 1,000,000 stages. Runs the real service providers in-process against
 * WORKFLOW_DATABASE_URL (dev database of the local stack):
 *   set -a; . .local/stack.env; set +a; node -r ./scripts/register.cjs scripts/bench/workflow-bench.ts
 * Rows are written under a fresh workspace id, so the figures include the earlier runs' rows.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { demoApprovalMatrix, demoClusterMapping, demoScopeConfig, demoUserId } from '@atp/approval-routing';
import { AppModule } from '../../apps/workflow-service/src/app.module';
import { loadAppEnv } from '../../apps/workflow-service/src/config/env';
import { testIssuerEnv } from '@atp/testing';
import { ReplicaRepository } from '../../apps/workflow-service/src/replica/replica.repository';
import { WorkflowStarter } from '../../apps/workflow-service/src/start/workflow-starter.service';
import { toStartRequest } from '../../apps/workflow-service/src/start/start-request';
import { StageDecisionService } from '../../apps/workflow-service/src/decisions/stage-decision.service';
import { WorkflowQueries } from '../../apps/workflow-service/src/queries/workflow-queries.service';

const p99 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.99)];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function main(): Promise<void> {
  const env = loadAppEnv({ ...process.env, ...testIssuerEnv(), SERVICE_NAME: 'workflow-service-bench', PORT: '0', LOG_LEVEL: 'silent', SLA_SWEEP_INTERVAL_MS: '0', DATABASE_POOL_SIZE: '40' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(env), { logger: false });
  const ds = app.get(DataSource);
  const ws = randomUUID();
  const cv = { approvalMatrix: `bench-m-${ws}`, clusterMapping: `bench-c-${ws}`, scopeConfig: `bench-s-${ws}` };
  await ds.transaction(async (m) => {
    const replica = app.get(ReplicaRepository);
    await replica.saveSnapshot(m, demoApprovalMatrix({ workspaceId: ws, configVersionId: cv.approvalMatrix }));
    await replica.saveSnapshot(m, demoClusterMapping({ workspaceId: ws, configVersionId: cv.clusterMapping }));
    await replica.saveSnapshot(m, demoScopeConfig({ workspaceId: ws, configVersionId: cv.scopeConfig }));
    for (const role of ['BO', 'SME', 'HEAD_NOC', 'FOP_RTS', 'REGION_TEAM', 'RTH', 'PMO', 'ROH']) {
      for (const seat of ['primary', 'backup'] as const) {
        await m.query(`INSERT INTO member_replica (membership_id, workspace_id, user_id, role, is_active) VALUES ($1,$2,$3,'APPROVER',true)`, [randomUUID(), ws, demoUserId(role, 'JKT-01', seat)]);
      }
    }
  });

  // 1. Start: handler transaction (what the inbox consumer commits) per qa-approved event.
  const starter = app.get(WorkflowStarter);
  const startSamples: number[] = [];
  const started: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const payload = {
      submissionId: `bench-${ws}-${i}`, attemptNumber: 1, workspaceId: ws, siteId: 's', siteCode: 'S', clusterCode: 'JKT-01', regionCode: 'JABO',
      scopeCode: 'DEMO', vendorCode: null, atpCategory: 'PLN_UPGRADE', submittedBy: 'sub', qaApprovedBy: 'qa', pinnedConfigVersions: cv,
    };
    const t = process.hrtime.bigint();
    const outcome = await ds.transaction((m) => starter.start(m, toStartRequest(payload, randomUUID(), randomUUID())));
    startSamples.push(ms(t));
    if (outcome.kind === 'STARTED') started.push(outcome.workflowInstanceId);
  }
  console.log(`start: ${started.length} workflows, p50 ${startSamples.sort((a, b) => a - b)[1000].toFixed(2)} ms, p99 ${p99(startSamples).toFixed(2)} ms (handler transaction, excl. Kafka delivery)`);

  // 2. Decisions: approve stage 1 of every started workflow with 32 concurrent callers.
  const decisions = app.get(StageDecisionService);
  const pending = (await ds.query(`SELECT id, workflow_instance_id AS wf, approver_user_id AS who FROM workflow_stages WHERE workspace_id = $1 AND status = 'PENDING'`, [ws])) as Array<{ id: string; wf: string; who: string }>;
  let next = 0;
  const t0 = process.hrtime.bigint();
  const callers = Number(process.env.BENCH_DECISION_CALLERS ?? 32);
  await Promise.all(Array.from({ length: callers }, async () => {
    while (next < pending.length) {
      const s = pending[next++];
      await decisions.decide({ workspaceId: ws, workflowInstanceId: s.wf, stageId: s.id, actorId: s.who, idempotencyKey: randomUUID(), body: { decision: 'APPROVE', comment: 'bench' } });
    }
  }));
  const seconds = ms(t0) / 1000;
  console.log(`decisions: ${pending.length} in ${seconds.toFixed(2)} s = ${(pending.length / seconds).toFixed(0)} decision transactions/s (${callers} concurrent, pool 40)`);

  // 3. Inbox with ≥ 1,000,000 stages in the table.
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM workflow_stages`);
  if (n < 1_000_000) {
    const fill = randomUUID();
    await ds.query(
      `INSERT INTO workflow_instances (id, workspace_id, submission_id, attempt_number, config_version_id, approval_policy_id, site_id, scope_id,
         atp_category, total_stages, submitted_by, routing_snapshot)
       SELECT 'fill-' || $1 || '-' || g, $1::uuid, 'fill-' || $1 || '-' || g, 1, 'cv', 'p', 's', 'sc', 'RAN_MW', 10, 'sub', '{}'::jsonb
       FROM generate_series(1, 100000) g`, [fill]);
    await ds.query(
      `INSERT INTO workflow_stages (workspace_id, workflow_instance_id, config_version_id, stage_number, stage_name, approval_role_id, role_code,
         approver_user_id, status, sla_hours, sla_due_at)
       SELECT $1::uuid, 'fill-' || $1 || '-' || i, 'cv', st, 'Stage', 'r', 'BO', 'fill-user-' || (i % 5000),
         CASE WHEN st = 1 THEN 'PENDING' ELSE 'WAITING' END, 24, CASE WHEN st = 1 THEN now() + (i % 100) * interval '1 hour' END
       FROM generate_series(1, 100000) i, generate_series(1, 10) st`, [fill]);
    await ds.query(`ANALYZE workflow_stages; ANALYZE workflow_instances`);
  }
  const [{ total }] = await ds.query(`SELECT count(*)::int AS total FROM workflow_stages`);
  const queries = app.get(WorkflowQueries);
  const [{ fillWs }] = await ds.query(`SELECT workspace_id AS "fillWs" FROM workflow_stages WHERE approver_user_id LIKE 'fill-user-%' LIMIT 1`);
  const inboxSamples: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = process.hrtime.bigint();
    await queries.inbox(fillWs, `fill-user-${i % 5000}`, { limit: 50 });
    inboxSamples.push(ms(t));
  }
  console.log(`inbox: ${total} stages in the table, p99 ${p99(inboxSamples).toFixed(2)} ms over 1000 queries (20 PENDING stages per user)`);
  await app.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
