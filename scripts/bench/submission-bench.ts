/**
 * submission-service benchmark: submissions created per second with one 1 MB document each (HTTP create +
 * multipart upload, beside writing the same bytes to local disk in the same run), projection lag p99
 * (workflow event produced → submission row updated), and RSS while 50 × 20 MB uploads stream at once.
 * Runs the real service in-process on SUBMISSION_DATABASE_URL (dev database of the local stack):
 *   set -a; . .local/stack.env; set +a; node -r ./scripts/register.cjs scripts/bench/submission-bench.ts
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { type Kafka, Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';
import { StageActivatedV1, Topics, type EventEnvelope } from '@atp/contracts';
import { runInWorkspace } from '@atp/platform-database';
import { configureHttp, connectInboxConsumers } from '@atp/platform-runtime';
import { testIssuer, testKafka } from '@atp/testing';
import { AppModule } from '../../apps/submission-service/src/app.module';
import { loadAppEnv } from '../../apps/submission-service/src/config/env';
import { cpuPer, cpuSample } from './cpu-meter';

const MIB = 1024 * 1024;
const p = (samples: number[], q: number) =>
  [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(samples.length * q))];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

function post(
  port: number,
  path: string,
  headers: Record<string, string>,
  body: Readable | Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** The consumer joins its group in the background: events produced before it is assigned are missed. */
async function waitForStableGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let i = 0; ; i++) {
      const { groups } = await admin.describeGroups([groupId]);
      if (groups[0]?.state === 'Stable' && groups[0].members.length > 0) return;
      if (i > 600) throw new Error(`consumer group ${groupId} never became stable`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Runs submission-bench-uploader.ts in a child process; answers its output lines. */
function uploadFromChildProcess(job: {
  port: number;
  token: string;
  paths: string[];
  size: number;
}): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', './scripts/register.cjs', join(__dirname, 'submission-bench-uploader.ts'), JSON.stringify(job)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString().trim().split('\n'))
        : reject(new Error(`uploader exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const issuer = await testIssuer();
  const blobDir = await mkdtemp(join(tmpdir(), 'submission-bench-'));
  const env = loadAppEnv({
    ...process.env,
    ...issuer.env,
    DATABASE_URL: process.env.SUBMISSION_DATABASE_URL ?? process.env.DATABASE_URL,
    SERVICE_NAME: 'submission-service-bench',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '30',
    BLOB_STORE_DIR: blobDir,
    UPLOAD_MAX_FILE_BYTES: String(50 * MIB),
  });
  // As main.ts does: the platform's one body parser (Nest's stays off) and the Kafka consumers.
  const app = await NestFactory.create(AppModule.forRoot(env), { logger: false, bodyParser: false });
  configureHttp(app);
  await connectInboxConsumers(app);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const rssStarted = process.memoryUsage().rss;
  const ds = app.get(DataSource);
  const ws = randomUUID();
  // Row-level security: the bench's own reads and writes run in its workspace, as a request's do.
  await runInWorkspace(ws, async () => {
    const scopeVersion = `bench-scope-${ws}`;
    await ds.query(`INSERT INTO workspace_replica VALUES ($1, $2, 'bench', true, 1, now())`, [
      ws,
      `B-${ws.slice(0, 8)}`,
    ]);
    await ds.query(
      `INSERT INTO member_replica VALUES ($1, $2, 'u-bench', 'DOC_CONTROL', true, 1, now()), ($3, $2, 'u-bench-qa', 'QA_ENGINEER', true, 1, now())`,
      [randomUUID(), ws, randomUUID()],
    );
    await ds.query(
      `INSERT INTO config_version_replica VALUES ($1, $2, 'SCOPE_CONFIG', 1, now()), ($3, $2, 'APPROVAL_MATRIX', 1, now()), ($4, $2, 'CLUSTER_MAPPING', 1, now())`,
      [scopeVersion, ws, `bench-m-${ws}`, `bench-c-${ws}`],
    );
    await ds.query(`INSERT INTO scope_replica VALUES ($1, 'scope-pln', $2, 'PLN_UPGRADE', true)`, [scopeVersion, ws]);
    const siteCount = 400;
    await ds.query(
      `INSERT INTO site_replica (site_id, workspace_id, site_code, site_name, is_active, source_version)
      SELECT 'bench-' || $1 || '-' || g, $1::uuid, 'S-' || g, 'site', true, 1 FROM generate_series(1, $2::int) g`,
      [ws, siteCount],
    );
    const auth = { authorization: `Bearer ${await issuer.token('u-bench')}` };
    const base = `/api/v1/workspaces/${ws}`;

    // 1. Create + one 1 MB document, 8 clients at a time.
    const n = Number(process.env.BENCH_SUBMISSIONS ?? 200);
    const document = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(MIB - 9)]);
    const boundary = 'bench-boundary';
    const form = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ATP PLN Upgrade.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      document,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    let next = 0;
    const submissionIds: string[] = [];
    const started = process.hrtime.bigint();
    const cpuStart = cpuSample();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < n) {
          const i = next++;
          const created = await post(
            port,
            `${base}/submissions`,
            { ...auth, 'content-type': 'application/json' },
            Buffer.from(
              JSON.stringify({ siteCode: `S-${i + 1}`, scopeCode: 'PLN_UPGRADE', atpCategory: 'PLN_UPGRADE' }),
            ),
          );
          if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.body}`);
          const id = JSON.parse(created.body).id as string;
          submissionIds.push(id);
          const uploaded = await post(
            port,
            `${base}/submissions/${id}/documents`,
            {
              ...auth,
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'content-length': String(form.length),
            },
            form,
          );
          if (uploaded.status !== 201) throw new Error(`upload answered ${uploaded.status}: ${uploaded.body}`);
        }
      }),
    );
    const seconds = ms(started) / 1000;
    const cpu = cpuPer(cpuStart, n, 'submission (client and service in this process)');
    const diskStart = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < n; i += 8) await writeFile(join(blobDir, `disk-${i}`), document);
      }),
    );
    const diskSeconds = ms(diskStart) / 1000;
    // The store fsyncs every blob before it answers: the durable reference is writeFile + fsync.
    const syncedStart = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < n; i += 8) {
          const handle = await open(join(blobDir, `synced-${i}`), 'w');
          await handle.writeFile(document);
          await handle.sync();
          await handle.close();
        }
      }),
    );
    const syncedSeconds = ms(syncedStart) / 1000;
    console.log(
      `create + 1 MB upload: ${n} in ${seconds.toFixed(2)} s = ${(n / seconds).toFixed(0)} submissions/s, ${(n / seconds).toFixed(0)} MB/s`,
    );
    console.log(`  ${cpu}`);
    console.log(
      `same bytes written to local disk (8 at a time): writeFile ${(n / diskSeconds).toFixed(0)} MB/s (upload/disk = ${(diskSeconds / seconds).toFixed(2)}),` +
        ` writeFile + fsync ${(n / syncedSeconds).toFixed(0)} MB/s (upload/durable disk = ${(syncedSeconds / seconds).toFixed(2)})`,
    );

    // 2. Projection lag: a workflow per submission (rows set up directly), then stage events through Kafka.
    const kafka = testKafka('submission-bench');
    await waitForStableGroup(kafka, 'submission-service.workflow-projection');
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await producer.connect();
    const probes = submissionIds.slice(0, Math.floor(n / 2));
    for (const [i, id] of probes.entries()) {
      const docs = (await ds.query(`SELECT id FROM atp_submission_documents WHERE submission_id = $1`, [id])) as Array<{
        id: string;
      }>;
      await ds.query(
        `INSERT INTO atp_submission_attempts (submission_id, attempt_number, workspace_id, status, document_id, atp_category,
        pinned_approval_matrix, pinned_cluster_mapping, pinned_scope_config, submitted_by, qa_decision, workflow_instance_id, workflow_version)
        VALUES ($1, 1, $2, 'IN_REVIEW', $3, 'PLN_UPGRADE', 'm', 'c', 's', 'u-bench', 'APPROVE', $4, 1)`,
        [id, ws, docs[0].id, `bench-wf-${ws}-${i}`],
      );
      await ds.query(
        `UPDATE atp_submissions SET status = 'IN_REVIEW', workflow_instance_id = $2, current_stage_number = 1 WHERE id = $1`,
        [id, `bench-wf-${ws}-${i}`],
      );
    }
    const lags: number[] = [];
    for (const [i, id] of probes.entries()) {
      const workflowId = `bench-wf-${ws}-${i}`;
      const envelope: EventEnvelope = {
        eventId: randomUUID(),
        eventType: StageActivatedV1.eventType,
        schemaVersion: 1,
        occurredAt: new Date().toISOString(),
        workspaceId: ws,
        aggregateType: 'workflow',
        aggregateId: workflowId,
        aggregateVersion: 2,
        correlationId: randomUUID(),
        causationId: null,
        actorId: 'bench',
        payload: {
          workflowInstanceId: workflowId,
          submissionId: id,
          stageId: `${workflowId}-2`,
          stageNumber: 2,
          stageName: 'RTH review',
          approvalRoleId: 'r',
          roleCode: 'RTH',
          parallelGroup: null,
          approverUserId: 'u',
          slaHours: 24,
          slaDueAt: new Date().toISOString(),
        },
      };
      const sent = process.hrtime.bigint();
      await producer.send({
        topic: Topics.workflowEvents,
        acks: -1,
        messages: [{ key: workflowId, value: JSON.stringify(envelope) }],
      });
      for (;;) {
        const rows = (await ds.query(`SELECT current_stage_number AS n FROM atp_submissions WHERE id = $1`, [
          id,
        ])) as Array<{ n: number }>;
        if (rows[0].n === 2) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      lags.push(ms(sent));
    }
    await producer.disconnect();
    console.log(
      `projection lag (event produced → submission row), ${lags.length} events: p50 ${p(lags, 0.5).toFixed(1)} ms, p99 ${p(lags, 0.99).toFixed(1)} ms`,
    );

    // 3. Service RSS while 50 × 20 MB uploads stream at once. The client runs in a child process: this
    // process then holds the service alone (and what phases 1 and 2 left of their clients).
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let heapPeak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      rssPeak = Math.max(rssPeak, usage.rss);
      heapPeak = Math.max(heapPeak, usage.heapUsed);
    }, 50);
    const bigStart = process.hrtime.bigint();
    const job = {
      port,
      token: auth.authorization.slice('Bearer '.length),
      paths: submissionIds.slice(n - 50).map((id) => `${base}/submissions/${id}/documents`),
      size: 20 * MIB,
    };
    const results = (await uploadFromChildProcess(job)).map(
      (line) => JSON.parse(line) as { status: number; body: string },
    );
    clearInterval(sampler);
    const rssAfter = process.memoryUsage().rss;
    const ok = results.filter((r) => r.status === 201).length;
    if (ok < 50)
      console.log(
        `first refusal: ${results.find((r) => r.status !== 201)?.status} ${results.find((r) => r.status !== 201)?.body.slice(0, 200)}`,
      );
    console.log(
      `50 × 20 MB at once: ${ok}/50 stored in ${(ms(bigStart) / 1000).toFixed(1)} s; service process RSS ${(rssBefore / MIB).toFixed(0)} MB before, ` +
        `peak ${(rssPeak / MIB).toFixed(0)} MB (+${((rssPeak - rssBefore) / MIB).toFixed(0)} MB for 1000 MB in flight), ${(rssAfter / MIB).toFixed(0)} MB after; ` +
        `heap peak ${(heapPeak / MIB).toFixed(0)} MB; ${(rssStarted / MIB).toFixed(0)} MB when it started listening (the client in a child process)`,
    );
  });

  await app.close();
  await rm(blobDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
