/**
 * submission-service benchmark: submissions created per second with one 1 MB document each (HTTP create +
 * multipart upload, beside writing the same bytes to local disk in the same run), projection lag p99
 * (workflow event produced → submission row updated), and RSS while 50 × 20 MB uploads stream at once.
 * The service runs as its own process on SUBMISSION_DATABASE_URL (dev database of the local stack), so its CPU
 * and memory are measured apart from the client (this process):
 *   set -a; . .local/stack.env; set +a; node -r ./scripts/register.cjs scripts/bench/submission-bench.ts
 * BENCH_SERVICE_FROM=build (default): the production build (scripts/build.mjs, run first) with NODE_ENV=production,
 * as docker/Dockerfile runs it; =source: main.ts through the TypeScript hook, as `npm start` runs it.
 * BENCH_SERVICE_NODE_ARGS: flags for the service's node, e.g. "--cpu-prof --cpu-prof-dir=.local/profiles"
 * (written when the bench stops it). BENCH_SUBMISSIONS: how many submissions phase 1 creates (200). BENCH_REPLICAS:
 * how many service processes share the work (1; clients go round-robin; their CPU is summed; phase 3 streams to one).
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type Kafka, Partitioners } from 'kafkajs';
import { StageActivatedV1, Topics, type EventEnvelope } from '@atp/contracts';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, installTenantScope, runInWorkspace } from '@atp/platform-database';
import { startServiceProcess, testIssuer, testKafka, type ServiceProcess } from '@atp/testing';
import { cpuPer, cpuSample, machineBusy, machineSample } from './cpu-meter';
import { startBareUploadServer } from './lib/bare-upload-server';

const MIB = 1024 * 1024;
const BOUNDARY = 'bench-boundary';
/** Requests in flight at once in the throughput phase. */
const CLIENTS = 8;
const p = (samples: number[], q: number) =>
  [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(samples.length * q))];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** `task(0)` … `task(count - 1)`, `CLIENTS` at a time. */
async function inParallel(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

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

/** A multipart upload of one PDF of `size` bytes, generated while it streams (never held whole by the client). */
function streamedUpload(
  port: number,
  path: string,
  token: string,
  size: number,
): Promise<{ status: number; body: string }> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="ATP PLN Upgrade.pdf"\r\n` +
      `Content-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const chunk = randomBytes(64 * 1024);
  const bodyBytes = size - 9;
  async function* parts() {
    yield head;
    for (let sent = 0; sent < bodyBytes; sent += chunk.length)
      yield chunk.subarray(0, Math.min(chunk.length, bodyBytes - sent));
    yield tail;
  }
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    'content-length': String(head.length + bodyBytes + tail.length),
  };
  return post(port, path, headers, Readable.from(parts()));
}

/**
 * The reference for the upload figure: `form` posted `count` times (after `warmup` more) to a bare server in its own
 * process that only stores each body durably (lib/bare-upload-server.ts), `CLIENTS` at a time.
 */
async function bareUploads(
  blobDir: string,
  form: Buffer,
  headers: Record<string, string>,
  warmup: number,
  count: number,
): Promise<{ seconds: number; cpu: string; machine: string }> {
  const directory = join(blobDir, 'bare');
  await mkdir(directory);
  const server = await startBareUploadServer(directory);
  try {
    const upload = async () => {
      const stored = await post(server.port, '/', headers, form);
      if (stored.status !== 201) throw new Error(`the bare server answered ${stored.status}: ${stored.body}`);
    };
    await inParallel(warmup, upload);
    const started = process.hrtime.bigint();
    const cpuStart = cpuSample(server.pid);
    const machineStart = machineSample();
    await inParallel(count, upload);
    const seconds = ms(started) / 1000;
    return {
      seconds,
      cpu: cpuPer(cpuStart, count, 'upload', server.pid, 'server'),
      machine: machineBusy(machineStart),
    };
  } finally {
    await server.stop();
  }
}

/** The service process's resident memory (VmRSS), in bytes. */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
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

/** Wall-clock milliseconds with sub-millisecond precision, comparable with PostgreSQL's clock on this machine. */
const nowMs = () => performance.timeOrigin + performance.now();

function stageActivated(ws: string, workflowId: string, submissionId: string): EventEnvelope {
  return {
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
      submissionId,
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
}

/** The projection consumer's handler histogram (inbox transaction per message) over the replicas, less `since`. */
async function projectionHandlerTime(
  services: ServiceProcess[],
  since = { sum: 0, count: 0 },
): Promise<{ sum: number; count: number }> {
  const texts = await Promise.all(services.map(async (replica) => (await fetch(`${replica.url}/metrics`)).text()));
  const value = (name: string) =>
    texts.reduce(
      (sum, text) =>
        sum +
        Number(
          text
            .split('\n')
            .find((line) => line.startsWith(name) && line.includes('consumer="submission-service.workflow-projection"'))
            ?.split(' ')
            .pop() ?? 0,
        ),
      0,
    );
  return {
    sum: value('atp_messaging_handler_seconds_sum') - since.sum,
    count: value('atp_messaging_handler_seconds_count') - since.count,
  };
}

const replicasLabel = (count: number) => (count === 1 ? 'its own' : `its ${count} replicas, summed`);

/**
 * The reference for the projection lag: a bare kafkajs consumer of the workflow events (a group of its own) noting
 * when each event reached it, so the lag's Kafka part is measured on the same events in the same run.
 */
async function deliveryProbe(
  kafka: Kafka,
  groupId: string,
): Promise<{ lagsOf(sentAt: Map<string, number>): Promise<number[]> }> {
  const receivedAt = new Map<string, number>();
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: [Topics.workflowEvents], fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = nowMs();
      const submissionId = (JSON.parse(message.value?.toString() ?? '{}') as EventEnvelope<{ submissionId?: string }>)
        .payload?.submissionId;
      if (submissionId) receivedAt.set(submissionId, at);
    },
  });
  await waitForStableGroup(kafka, groupId);
  return {
    async lagsOf(sentAt) {
      try {
        for (let waited = 0; [...sentAt.keys()].some((id) => !receivedAt.has(id)); waited += 50) {
          if (waited > 60_000) throw new Error('the delivery probe did not receive every event within 60 s');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return [...sentAt].map(([id, sent]) => receivedAt.get(id)! - sent);
      } finally {
        await consumer.disconnect();
        const admin = kafka.admin();
        await admin.connect();
        await admin.deleteGroups([groupId]).catch(() => undefined);
        await admin.disconnect();
      }
    },
  };
}

async function commitTimestampsTracked(ds: DataSource): Promise<boolean> {
  const [row] = (await ds.query(`SELECT current_setting('track_commit_timestamp') AS v`)) as Array<{ v: string }>;
  return row.v === 'on';
}

async function pollUntilStage(ds: DataSource, id: string, stage: number, sentAt: number): Promise<number> {
  for (;;) {
    const rows = (await ds.query(`SELECT current_stage_number AS n FROM atp_submissions WHERE id = $1`, [
      id,
    ])) as Array<{
      n: number;
    }>;
    if (rows[0].n === stage) return nowMs() - sentAt;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Waits for every row to show stage 2, then answers each event's lag to the commit that wrote it. */
async function lagsFromCommits(ds: DataSource, sentAt: Map<string, number>): Promise<number[]> {
  const ids = [...sentAt.keys()];
  for (let waited = 0; ; waited += 50) {
    const rows = (await ds.query(
      `SELECT id, extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000 AS "committedAt"
       FROM atp_submissions WHERE id::text = ANY($1::text[]) AND current_stage_number = 2`,
      [ids],
    )) as Array<{ id: string; committedAt: string }>;
    if (rows.length === ids.length) return rows.map((row) => Number(row.committedAt) - sentAt.get(row.id)!);
    if (waited > 60_000) throw new Error(`${ids.length - rows.length} events were not projected within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The three phases against the started replicas of the service; the caller stops them. */
async function measure(
  services: ServiceProcess[],
  {
    databaseUrl,
    blobDir,
    issuer,
  }: { databaseUrl: string; blobDir: string; issuer: Awaited<ReturnType<typeof testIssuer>> },
): Promise<void> {
  const ports = services.map((replica) => Number(new URL(replica.url).port));
  const pids = services.map((replica) => replica.pid);
  // The memory phase streams to one process: the target is a process's RSS.
  const [service] = services;
  const rssStarted = rssOf(service.pid);
  // The bench's own reads and writes (the replicas a request needs, the projection probes), on its own pool.
  const ds = await installTenantScope(
    createServiceDataSource({
      url: databaseUrl,
      applicationName: 'submission-bench',
      poolSize: 4,
    }),
  ).initialize();
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
    const n = Number(process.env.BENCH_SUBMISSIONS ?? 200);
    // A freshly started process compiles its hot paths and opens its pool's connections (each a new PostgreSQL
    // backend warming its caches) during its first requests: measured, that start-up doubled the CPU per submission.
    const warmup = Number(process.env.BENCH_WARMUP ?? 100);
    const siteCount = Math.max(400, warmup + n);
    await ds.query(
      `INSERT INTO site_replica (site_id, workspace_id, site_code, site_name, is_active, source_version)
    SELECT 'bench-' || $1 || '-' || g, $1::uuid, 'S-' || g, 'site', true, 1 FROM generate_series(1, $2::int) g`,
      [ws, siteCount],
    );
    const auth = { authorization: `Bearer ${await issuer.token('u-bench')}` };
    const base = `/api/v1/workspaces/${ws}`;

    // 1. Create + one 1 MB document, 8 clients at a time (after a warm-up of the same).
    const document = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(MIB - 9)]);
    const form = Buffer.concat([
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="ATP PLN Upgrade.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      document,
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);
    const formHeaders = {
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': String(form.length),
    };
    let sitesUsed = 0;
    /** Submissions for the next `count` sites, each created then given its document; answers their ids. */
    const createWithDocuments = async (count: number): Promise<string[]> => {
      const ids: string[] = [];
      const first = sitesUsed + 1;
      sitesUsed += count;
      await inParallel(count, async (i) => {
        // Round-robin over the replicas, as a load balancer would spread them.
        const port = ports[(first + i) % ports.length];
        const created = await post(
          port,
          `${base}/submissions`,
          { ...auth, 'content-type': 'application/json' },
          Buffer.from(
            JSON.stringify({ siteCode: `S-${first + i}`, scopeCode: 'PLN_UPGRADE', atpCategory: 'PLN_UPGRADE' }),
          ),
        );
        if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.body}`);
        const id = JSON.parse(created.body).id as string;
        ids.push(id);
        const uploaded = await post(port, `${base}/submissions/${id}/documents`, { ...auth, ...formHeaders }, form);
        if (uploaded.status !== 201) throw new Error(`upload answered ${uploaded.status}: ${uploaded.body}`);
      });
      return ids;
    };
    const warmupCpu = cpuSample(pids);
    await createWithDocuments(warmup);
    const warmupFigure = warmup > 0 ? cpuPer(warmupCpu, warmup, 'submission', pids) : null;
    // What the service spends with no request (consumers' fetches, the relay's poll, metrics): at a few
    // submissions per second it is part of each one's figure.
    const idleCpu = cpuSample(pids);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleFigure = cpuPer(idleCpu, 3, 'second with no request', pids);
    const started = process.hrtime.bigint();
    const cpuStart = cpuSample(pids);
    const machineStart = machineSample();
    const submissionIds = await createWithDocuments(n);
    const seconds = ms(started) / 1000;
    const cpu = cpuPer(cpuStart, n, `submission (client: this process; service: ${replicasLabel(pids.length)})`, pids);
    const machine = machineBusy(machineStart);
    const diskStart = process.hrtime.bigint();
    await inParallel(n, (i) => writeFile(join(blobDir, `disk-${i}`), document));
    const diskSeconds = ms(diskStart) / 1000;
    // The store fsyncs every blob before it answers: the durable reference is writeFile + fsync.
    const syncedStart = process.hrtime.bigint();
    await inParallel(n, async (i) => {
      const handle = await open(join(blobDir, `synced-${i}`), 'w');
      await handle.writeFile(document);
      await handle.sync();
      await handle.close();
    });
    const syncedSeconds = ms(syncedStart) / 1000;
    const bare = await bareUploads(blobDir, form, formHeaders, warmup, n);
    console.log(
      `create + 1 MB upload: ${n} in ${seconds.toFixed(2)} s = ${(n / seconds).toFixed(0)} submissions/s, ${(n / seconds).toFixed(0)} MB/s`,
    );
    console.log(`  ${cpu}; ${machine}`);
    console.log(`  idle (3 s before the measured run): ${idleFigure}`);
    if (warmupFigure)
      console.log(`  the ${warmup} of the warm-up, the first after the service started: ${warmupFigure}`);
    console.log(
      `same bytes written to local disk (${CLIENTS} at a time): writeFile ${(n / diskSeconds).toFixed(0)} MB/s (upload/disk = ${(diskSeconds / seconds).toFixed(2)}),` +
        ` writeFile + fsync ${(n / syncedSeconds).toFixed(0)} MB/s (upload/durable disk = ${(syncedSeconds / seconds).toFixed(2)})`,
    );
    console.log(
      `the same uploads to a bare node:http server that only stores them durably (sha256, write, fsync, rename; ` +
        `no framework, parsing, token, database or events), ${CLIENTS} at a time: ${(n / bare.seconds).toFixed(0)} uploads/s ` +
        `(create + upload / bare upload = ${(bare.seconds / seconds).toFixed(2)})`,
    );
    console.log(`  ${bare.cpu}; ${bare.machine}`);

    // 2. Projection lag: a workflow per submission (rows set up directly), then stage events through Kafka.
    const kafka = testKafka('submission-bench');
    await waitForStableGroup(kafka, 'submission-service.workflow-projection');
    const delivery = await deliveryProbe(kafka, `submission-bench-delivery-${ws}`);
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
    // Sent at a steady pace, never waiting for the previous one; each lag runs from the send to the commit of the
    // transaction that updated its row (track_commit_timestamp, enabled by the local stack), read once they all
    // landed. Polling each row instead would compete with the consumer for the two cores it measures.
    const commitTimes = await commitTimestampsTracked(ds);
    const intervalMs = Number(process.env.BENCH_PROJECTION_INTERVAL_MS ?? 20);
    const sentAt = new Map<string, number>();
    const handledBefore = await projectionHandlerTime(services);
    const pollLags: number[] = [];
    for (const [i, id] of probes.entries()) {
      const workflowId = `bench-wf-${ws}-${i}`;
      const envelope = stageActivated(ws, workflowId, id);
      const tick = nowMs();
      sentAt.set(id, tick);
      await producer.send({
        topic: Topics.workflowEvents,
        acks: -1,
        messages: [{ key: workflowId, value: JSON.stringify(envelope) }],
      });
      if (!commitTimes) pollLags.push(await pollUntilStage(ds, id, 2, tick));
      else await new Promise((resolve) => setTimeout(resolve, Math.max(0, tick + intervalMs - nowMs())));
    }
    const lags = commitTimes ? await lagsFromCommits(ds, sentAt) : pollLags;
    const handled = await projectionHandlerTime(services, handledBefore);
    const deliveries = await delivery.lagsOf(sentAt);
    await producer.disconnect();
    const method = commitTimes
      ? `one every ${intervalMs} ms, lag to the commit that updated the row`
      : 'one at a time, each row polled (track_commit_timestamp is off: the figure includes the poll)';
    console.log(
      `projection lag (event produced → submission row), ${lags.length} events (${method}): ` +
        `p50 ${p(lags, 0.5).toFixed(1)} ms, p99 ${p(lags, 0.99).toFixed(1)} ms, max ${Math.max(...lags).toFixed(1)} ms; ` +
        `the consumer's inbox transaction took ${((handled.sum / handled.count) * 1000).toFixed(1)} ms on average`,
    );
    console.log(
      `  Kafka delivery alone, the same events to a bare kafkajs consumer in this process: ` +
        `p50 ${p(deliveries, 0.5).toFixed(1)} ms, p99 ${p(deliveries, 0.99).toFixed(1)} ms, max ${Math.max(...deliveries).toFixed(1)} ms`,
    );

    // 3. Service RSS while 50 × 20 MB uploads stream at once (sampled from /proc every 50 ms).
    const rssBefore = rssOf(service.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(service.pid))), 50);
    const bigStart = process.hrtime.bigint();
    const token = auth.authorization.slice('Bearer '.length);
    const results = await Promise.all(
      submissionIds
        .slice(n - 50)
        .map((id) => streamedUpload(ports[0], `${base}/submissions/${id}/documents`, token, 20 * MIB)),
    );
    clearInterval(sampler);
    const rssAfter = rssOf(service.pid);
    const ok = results.filter((r) => r.status === 201).length;
    if (ok < 50) {
      const refusal = results.find((r) => r.status !== 201);
      const errors = service
        .output()
        .split('\n')
        .filter((line) => /"level":"(error|fatal)"/.test(line) && !line.includes('"logger":"kafkajs"'));
      console.log(
        `first refusal: ${refusal?.status} ${refusal?.body.slice(0, 200)}; the service's last error: ${errors.at(-1)}`,
      );
    }
    console.log(
      `50 × 20 MB at once: ${ok}/50 stored in ${(ms(bigStart) / 1000).toFixed(1)} s; service process RSS ${(rssBefore / MIB).toFixed(0)} MB before, ` +
        `peak ${(rssPeak / MIB).toFixed(0)} MB (+${((rssPeak - rssBefore) / MIB).toFixed(0)} MB for 1000 MB in flight), ${(rssAfter / MIB).toFixed(0)} MB after; ` +
        `${(rssStarted / MIB).toFixed(0)} MB when it was ready`,
    );
  });

  await ds.destroy();
}

async function main(): Promise<void> {
  const databaseUrl = process.env.SUBMISSION_DATABASE_URL;
  if (!databaseUrl) throw new Error('SUBMISSION_DATABASE_URL is not set: source .local/stack.env first');
  const issuer = await testIssuer();
  const blobDir = await mkdtemp(join(tmpdir(), 'submission-bench-'));
  const from = process.env.BENCH_SERVICE_FROM === 'source' ? 'source' : 'build';
  const logLevel = process.env.BENCH_SERVICE_LOG_LEVEL ?? 'info';
  // Replicas share the database, the blob folder and the consumer groups, as a Deployment's pods do.
  const replicas = Math.max(1, Number(process.env.BENCH_REPLICAS ?? 1));
  const services: ServiceProcess[] = [];
  // Stopped whatever happens: a service left running would hold the relay's leadership and half of the
  // projection's partitions in the next run.
  try {
    for (let replica = 1; replica <= replicas; replica++)
      services.push(
        await startServiceProcess(
          'submission',
          {
            ...issuer.env,
            NODE_ENV: from === 'build' ? 'production' : 'development',
            SERVICE_NAME: `submission-service-bench-${replica}`,
            LOG_LEVEL: logLevel,
            OUTBOX_POLL_INTERVAL_MS: '1000',
            DATABASE_POOL_SIZE: '30',
            BLOB_STORE_DIR: blobDir,
            UPLOAD_MAX_FILE_BYTES: String(50 * MIB),
          },
          { from, nodeArgs: (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean) },
        ),
      );
    console.log(
      `service from ${from === 'build' ? 'the production build (dist/, NODE_ENV=production)' : 'source (NODE_ENV=development)'}, ` +
        `LOG_LEVEL=${logLevel}, ${replicas === 1 ? 'pid' : `${replicas} replicas, pids`} ${services.map((s) => s.pid).join(', ')}`,
    );
    await measure(services, { databaseUrl, blobDir, issuer });
  } finally {
    await Promise.all(services.map((replica) => replica.stop()));
    await rm(blobDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
