/**
 * punchlist-service benchmark: item transitions/s and decision event → punchlist visible (p50/p99), each
 * next to a reference measured in the same run on the same database:
 * - transitions: the service's move (lock punchlist, table verdict, item update, history row, progress,
 *   outbox event) against a bare transaction doing one locking UPDATE + one INSERT;
 * - creation: produce `workflow.stage.approved-with-punchlist` to Kafka → the row is readable, against
 *   the handler transaction alone (what the inbox consumer commits).
 * Runs the real service in-process against PUNCHLIST_DATABASE_URL (the dev database of the local stack):
 *   npm run migrate   # or npm start once
 *   set -a; . .local/stack.env; set +a; node -r ./scripts/register.cjs scripts/bench/punchlist-bench.ts
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  StageApprovedWithPunchlistV1,
  type EventEnvelope,
  type StageApprovedWithPunchlistPayloadV1,
} from '@atp/contracts';
import { runInWorkspace } from '@atp/platform-database';
import { createHttpAdapter } from '@atp/platform-http';
import { connectInboxConsumers } from '@atp/platform-runtime';
import { AppModule } from '../../apps/punchlist-service/src/app.module';
import { type AppEnv, loadAppEnv } from '../../apps/punchlist-service/src/config/env';
import { PunchlistCreator } from '../../apps/punchlist-service/src/creation/punchlist-creator.service';
import { ItemLifecycle } from '../../apps/punchlist-service/src/items/item-lifecycle.service';
import type { ItemAction } from '../../apps/punchlist-service/src/items/item-transitions';
import { cpuPer, cpuSample } from './cpu-meter';

const PUNCHLISTS = Number(process.env.BENCH_PUNCHLISTS ?? 300);
const ITEMS_PER_PUNCHLIST = 4;
const CALLERS = Number(process.env.BENCH_CALLERS ?? 32);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 300);

const sorted = (samples: number[]) => [...samples].sort((a, b) => a - b);
const pct = (samples: number[], p: number) =>
  sorted(samples)[Math.min(samples.length - 1, Math.floor(samples.length * p))];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

function decision(ws: string, i: number): StageApprovedWithPunchlistPayloadV1 {
  return {
    workflowInstanceId: `bench-wf-${ws}-${i}`,
    submissionId: `bench-sub-${ws}-${i}`,
    stageId: `bench-stg-${ws}-${i}`,
    stageNumber: 1,
    stageName: 'Review',
    approvalRoleId: 'role',
    roleCode: 'FOP_RTS',
    parallelGroup: null,
    approverUserId: 'u-issuer',
    decidedBy: 'u-issuer',
    decidedAt: new Date().toISOString(),
    comment: 'bench',
    items: Array.from({ length: ITEMS_PER_PUNCHLIST }, (_, n) => ({
      itemCode: null,
      description: `item ${n + 1}`,
      severity: 'MINOR' as const,
    })),
  };
}

/** Runs `work` for every element with `callers` concurrent workers; answers the elapsed seconds. */
async function concurrently<T>(
  elements: T[],
  callers: number,
  work: (element: T) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < elements.length) await work(elements[next++]);
    }),
  );
  return ms(t0) / 1000;
}

async function main(): Promise<void> {
  const env = loadAppEnv({
    ...process.env,
    DATABASE_URL: process.env.PUNCHLIST_DATABASE_URL ?? process.env.DATABASE_URL,
    SERVICE_NAME: 'punchlist-service-bench',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '40',
    PUNCHLIST_STALL_SWEEP_INTERVAL_MS: '0',
    OUTBOX_POLL_INTERVAL_MS: '200',
    AUTH_ISSUER: process.env.AUTH_ISSUER ?? 'https://bench.invalid',
    AUTH_JWKS_FILE: process.env.AUTH_JWKS_FILE || '/nonexistent/jwks.json',
    AUTH_JWKS_URL: '',
  });
  // As main.ts does: the Kafka consumers connected (before any tenant scope is entered, so they keep none).
  const app = await NestFactory.create(AppModule.forRoot(env), createHttpAdapter(), {
    logger: false,
    bodyParser: false,
  });
  await app.init();
  await connectInboxConsumers(app);
  const ws = randomUUID();
  // Row-level security: the bench's own queries and calls run in the workspace, as a request's would.
  await runInWorkspace(ws, () => measure(app, env, ws));
  await app.close();
}

async function measure(app: INestApplication, env: AppEnv, ws: string): Promise<void> {
  const ds = app.get(DataSource);
  const creator = app.get(PunchlistCreator);
  const lifecycle = app.get(ItemLifecycle);

  // 1. Item transitions. Punchlists are created through the handler (same code the consumer runs).
  const handlerSamples: number[] = [];
  for (let i = 0; i < PUNCHLISTS; i++) {
    const t = process.hrtime.bigint();
    await ds.transaction((m) =>
      creator.createFromDecision(m, {
        workspaceId: ws,
        origin: 'APPROVED_WITH_PUNCHLIST',
        decision: decision(ws, i),
        items: decision(ws, i).items,
        eventId: randomUUID(),
        correlationId: randomUUID(),
      }),
    );
    handlerSamples.push(ms(t));
  }
  const items = (await ds.query(
    `SELECT i.id, i.punchlist_id AS "punchlistId" FROM punchlist_items i WHERE i.workspace_id = $1`,
    [ws],
  )) as Array<{ id: string; punchlistId: string }>;
  const roles = ['DOC_CONTROL', 'QA_ENGINEER', 'APPROVER'];
  const move = (action: ItemAction) => (item: { id: string; punchlistId: string }) =>
    lifecycle.move({
      workspaceId: ws,
      punchlistId: item.punchlistId,
      itemId: item.id,
      action,
      actorId: 'u-issuer',
      actorRoles: roles,
      comment: 'bench',
      idempotencyKey: randomUUID(),
      evidence:
        action === 'RECTIFY'
          ? {
              blobKey: `bench/${item.id}`,
              fileName: 'e.png',
              contentType: 'image/png',
              sizeBytes: 1024,
              sha256: 'a'.repeat(64),
              comment: null,
            }
          : undefined,
    });
  // Shuffled, so concurrent callers mostly work on different punchlists, as real users do.
  const shuffled = [...items].sort(() => Math.random() - 0.5);
  let moves = 0;
  let moveSeconds = 0;
  const moveCpu = cpuSample();
  for (const action of ['RECTIFY', 'VERIFY', 'CLOSE'] as const) {
    const seconds = await concurrently(shuffled, CALLERS, move(action));
    console.log(
      `  ${action.padEnd(7)} ${shuffled.length} moves in ${seconds.toFixed(2)} s = ${(shuffled.length / seconds).toFixed(0)}/s`,
    );
    moves += shuffled.length;
    moveSeconds += seconds;
  }
  const moveCpuFigure = cpuPer(moveCpu, moves, 'move');
  const [{ cleared }] = await ds.query(
    `SELECT count(*)::int AS cleared FROM punchlists WHERE workspace_id = $1 AND status = 'CLEARED'`,
    [ws],
  );
  // Reference: the same number of bare transactions, one locking UPDATE + one INSERT each, same concurrency.
  const refRows = (await ds.query(`SELECT id FROM punchlists WHERE workspace_id = $1`, [ws])) as Array<{ id: string }>;
  const refWork = Array.from({ length: moves }, (_, n) => refRows[n % refRows.length].id);
  const refCpu = cpuSample();
  const refSeconds = await concurrently(refWork, CALLERS, (id) =>
    ds.transaction(async (m) => {
      await m.query(`UPDATE punchlists SET updated_at = now() WHERE id = $1`, [id]);
      await m.query(
        `INSERT INTO idempotency_keys (workspace_id, caller_id, idempotency_key, request_fingerprint) VALUES ($1, 'bench', $2, 'ref')`,
        [ws, randomUUID()],
      );
    }),
  );
  const refCpuFigure = cpuPer(refCpu, moves, 'transaction');
  console.log(
    `item transitions: ${moves} in ${moveSeconds.toFixed(2)} s = ${(moves / moveSeconds).toFixed(0)} transitions/s (${CALLERS} concurrent, ${cleared} punchlists cleared)`,
  );
  console.log(`  ${moveCpuFigure}; reference ${refCpuFigure}`);
  console.log(
    `  reference: bare UPDATE+INSERT transactions = ${(moves / refSeconds).toFixed(0)}/s → a move costs ${(refSeconds === 0 ? 0 : moveSeconds / refSeconds).toFixed(1)}x a bare transaction`,
  );

  // 2. Decision event on Kafka → punchlist readable.
  const kafka = new Kafka({ brokers: env.KAFKA_BROKERS, clientId: 'punchlist-bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  for (let i = 0; ; i++) {
    const { groups } = await admin.describeGroups(['punchlist-service.workflow-decisions']);
    if (groups[0]?.state === 'Stable' && groups[0].members.length > 0) break;
    if (i > 600) throw new Error('consumer group never became stable');
    await sleep(100);
  }
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
  await producer.connect();
  const e2e: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const payload = decision(ws, PUNCHLISTS + i);
    const envelope: EventEnvelope<StageApprovedWithPunchlistPayloadV1> = {
      eventId: randomUUID(),
      eventType: StageApprovedWithPunchlistV1.eventType,
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      workspaceId: ws,
      aggregateType: 'workflow',
      aggregateId: payload.workflowInstanceId,
      aggregateVersion: 1,
      correlationId: randomUUID(),
      causationId: null,
      actorId: 'u-issuer',
      payload,
    };
    const t = process.hrtime.bigint();
    await producer.send({
      topic: StageApprovedWithPunchlistV1.topic,
      acks: -1,
      messages: [{ key: payload.workflowInstanceId, value: JSON.stringify(envelope) }],
    });
    for (;;) {
      const rows = (await ds.query(`SELECT 1 FROM punchlists WHERE workflow_stage_id = $1`, [
        payload.stageId,
      ])) as unknown[];
      if (rows.length > 0) break;
      await sleep(1);
    }
    e2e.push(ms(t));
  }
  await producer.disconnect();
  console.log(
    `decision event → punchlist visible: ${EVENTS} events one at a time, p50 ${pct(e2e, 0.5).toFixed(1)} ms, p99 ${pct(e2e, 0.99).toFixed(1)} ms (produce acks=all → consumer → commit → read)`,
  );
  console.log(
    `  reference: the handler transaction alone, p50 ${pct(handlerSamples, 0.5).toFixed(1)} ms, p99 ${pct(handlerSamples, 0.99).toFixed(1)} ms (${PUNCHLISTS} punchlists of ${ITEMS_PER_PUNCHLIST} items)`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
