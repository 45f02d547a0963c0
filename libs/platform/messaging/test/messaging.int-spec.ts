import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { ConfigResourceTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import {
  countMessages,
  createScratchDatabase,
  createTestTopics,
  deleteTestTopics,
  repoRoot,
  restartKafkaBroker,
  startTcpProxy,
  testKafka,
  testStack,
  uniqueSuffix,
  waitFor,
  type ScratchDatabase,
} from '@atp/testing';
import { dlqTopicOf } from '@atp/contracts';
import { createIdempotentProducer, createKafka } from '../src/kafka';
import { OutboxWriter } from '../src/outbox/outbox-writer';
import { InboxConsumer, type ConsumedEvent } from '../src/inbox/inbox-consumer';
import { purgeInbox } from '../src/inbox/inbox-retention';
import { DlqTool } from '../src/dlq/dlq-tool';
import { DlqHeader } from '../src/dlq/dlq-headers';
import { silentLogger } from '../src/logger';
import { MessagingMetrics } from '../src/metrics';
import type { OutboxRelay } from '../src/outbox/outbox-relay';
import {
  openProbeDatabase,
  probeDefinition,
  probeRelay,
  probeValidator,
  type ProbePayload,
} from './fixtures/probe-service';

jest.setTimeout(240_000);

const topic = `test.messaging.${uniqueSuffix()}`;
const definition = probeDefinition(topic);
const validator = probeValidator(topic);
const writer = new OutboxWriter(validator);
const { kafkaBrokers } = testStack();

let kafka: Kafka;
let producerDb: ScratchDatabase;
let consumerDb: ScratchDatabase;
let producerSide: DataSource;
let consumerSide: DataSource;
let relay: OutboxRelay;
let consumer: InboxConsumer;
let dlqProducer: Producer;
const metrics = new MessagingMetrics(new Registry());
/** Events whose handler fails until the test "fixes" the downstream dependency. */
let brokenDependency = true;

async function recordOrder(dataSource: DataSource, orderId: string, seq: number, note = ''): Promise<string> {
  return dataSource.transaction(async (manager) => {
    await manager.query(
      `INSERT INTO orders (id, seq) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq`,
      [orderId, seq],
    );
    const event = await writer.append<ProbePayload>(manager, {
      definition,
      workspaceId: null,
      aggregateId: orderId,
      payload: { orderId, seq, note },
      correlationId: `corr-${orderId}`,
    });
    return event.eventId;
  });
}

async function applyOrder(event: ConsumedEvent, manager: EntityManager): Promise<void> {
  const payload = event.envelope.payload as ProbePayload;
  if (payload.note === 'fails-until-fixed' && brokenDependency) throw new Error('downstream dependency unavailable');
  if (payload.note === 'contended') {
    // A row another transaction holds: PostgreSQL answers 55P03 (lock_not_available) until it is released.
    await manager.query(`SET LOCAL lock_timeout = '100ms'`);
    await manager.query(`SELECT 1 FROM contention WHERE id = 1 FOR UPDATE`);
  }
  // times_applied would exceed 1 if a duplicate ever got past the inbox.
  await manager.query(
    `INSERT INTO applied_orders (event_id, order_id, seq, aggregate_version) VALUES ($1, $2, $3, $4)
     ON CONFLICT (event_id) DO UPDATE SET times_applied = applied_orders.times_applied + 1`,
    [event.envelope.eventId, payload.orderId, payload.seq, event.envelope.aggregateVersion],
  );
}

async function appliedRows(
  orderId: string,
): Promise<Array<{ seq: number; aggregate_version: number; times_applied: number; event_id: string }>> {
  return consumerSide.query(
    `SELECT seq, aggregate_version, times_applied, event_id FROM applied_orders WHERE order_id = $1 ORDER BY applied_at, aggregate_version`,
    [orderId],
  );
}

beforeAll(async () => {
  kafka = testKafka();
  await createTestTopics(kafka, [topic, dlqTopicOf(topic)]);
  [producerDb, consumerDb] = await Promise.all([
    createScratchDatabase('msg_producer'),
    createScratchDatabase('msg_consumer'),
  ]);
  producerSide = await openProbeDatabase(producerDb.url, 'producer');
  consumerSide = await openProbeDatabase(consumerDb.url, 'consumer');
  relay = probeRelay({ url: producerDb.url, dataSource: producerSide, brokers: kafkaBrokers });
  await relay.start();
  const clientKafka = createKafka({ brokers: kafkaBrokers, clientId: 'probe-consumer', logger: silentLogger });
  dlqProducer = createIdempotentProducer(clientKafka);
  await dlqProducer.connect();
  consumer = new InboxConsumer({
    consumerName: `probe-projector-${uniqueSuffix()}`,
    topics: [topic],
    handlers: { [definition.eventType]: applyOrder },
    kafka: clientKafka,
    dataSource: consumerSide,
    validator,
    dlqProducer,
    logger: silentLogger,
    metrics,
    retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 },
    fromBeginning: true,
  });
  await consumer.start();
});

afterAll(async () => {
  await consumer?.stop();
  await relay?.stop();
  await dlqProducer?.disconnect();
  await producerSide?.destroy();
  await consumerSide?.destroy();
  await producerDb?.drop();
  await consumerDb?.drop();
  await deleteTestTopics(kafka, [topic, dlqTopicOf(topic)]).catch(() => undefined);
});

it('delivers a committed row and event to another service once, in order per aggregate', async () => {
  for (let seq = 0; seq < 40; seq++) {
    await recordOrder(producerSide, 'o-round', seq);
    await recordOrder(producerSide, `o-other-${seq % 4}`, seq);
  }
  const rows = await waitFor(
    async () => {
      const applied = await appliedRows('o-round');
      return applied.length === 40 && applied;
    },
    { what: '40 events of o-round applied' },
  );
  expect(rows.map((r) => r.seq)).toEqual([...Array(40).keys()]);
  expect(rows.map((r) => r.aggregate_version)).toEqual([...Array(40).keys()].map((i) => i + 1));
  expect(rows.every((r) => r.times_applied === 1)).toBe(true);
  const [{ unpublished }] = await producerSide.query(
    `SELECT count(*)::int AS unpublished FROM outbox WHERE published_at IS NULL`,
  );
  expect(unpublished).toBe(0);
});

it('publishes nothing for a rolled-back transaction', async () => {
  await expect(
    producerSide.transaction(async (manager) => {
      await manager.query(`INSERT INTO orders (id, seq) VALUES ('o-rolled', 1)`);
      await writer.append<ProbePayload>(manager, {
        definition,
        workspaceId: null,
        aggregateId: 'o-rolled',
        payload: { orderId: 'o-rolled', seq: 1, note: '' },
        correlationId: 'c',
      });
      throw new Error('business rule failed after the event was written');
    }),
  ).rejects.toThrow('business rule failed');
  // A later committed event on the same partition key proves the pipeline moved past that point.
  await recordOrder(producerSide, 'o-rolled', 2);
  await waitFor(async () => (await appliedRows('o-rolled')).length === 1, { what: 'the committed o-rolled event' });
  const applied = await appliedRows('o-rolled');
  expect(applied.map((r) => r.seq)).toEqual([2]);
  expect(applied[0].aggregate_version).toBe(1);
  const outbox = await producerSide.query(
    `SELECT envelope->'payload'->>'seq' AS seq FROM outbox WHERE aggregate_id = 'o-rolled'`,
  );
  expect(outbox).toEqual([{ seq: '2' }]);
});

it('republishes after the relay is killed between publishing and marking, and applies once', async () => {
  const crashDb = await createScratchDatabase('msg_crash');
  const crashSide = await openProbeDatabase(crashDb.url, 'producer');
  let child: ChildProcess | undefined;
  let restarted: OutboxRelay | undefined;
  try {
    const eventId = await recordOrder(crashSide, 'o-crash', 7);
    child = spawn(
      process.execPath,
      [
        '-r',
        './scripts/register.cjs',
        'libs/platform/messaging/test/fixtures/relay-child.ts',
        crashDb.url,
        kafkaBrokers.join(','),
      ],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk.toString()));
    await waitFor(() => output.includes(`PUBLISHED ${eventId}`), {
      what: 'the child relay to publish',
      timeoutMs: 60000,
    });
    child.kill('SIGKILL');
    await waitFor(() => child?.exitCode !== null || child?.signalCode === 'SIGKILL', { what: 'the child to die' });

    const [row] = await crashSide.query(`SELECT published_at FROM outbox WHERE event_id = $1`, [eventId]);
    expect(row.published_at).toBeNull();
    await waitFor(async () => (await appliedRows('o-crash')).length === 1, { what: 'the first delivery applied' });

    restarted = probeRelay({ url: crashDb.url, dataSource: crashSide, brokers: kafkaBrokers });
    await restarted.start();
    await waitFor(
      async () => {
        const [marked] = await crashSide.query(`SELECT published_at FROM outbox WHERE event_id = $1`, [eventId]);
        return marked.published_at !== null;
      },
      { what: 'the restarted relay to mark the event', timeoutMs: 30000 },
    );

    const copies = (await new DlqTool(kafka).list(topic)).filter((m) => m.eventId === eventId);
    expect(copies).toHaveLength(2);
    // Give the consumer time to see the second copy before checking it was skipped.
    await waitFor(async () => {
      const [{ count }] = await consumerSide.query(`SELECT count(*)::int AS count FROM inbox WHERE event_id = $1`, [
        eventId,
      ]);
      return count === 1;
    });
    const applied = await appliedRows('o-crash');
    expect(applied).toHaveLength(1);
    expect(applied[0].times_applied).toBe(1);
  } finally {
    child?.kill('SIGKILL');
    await restarted?.stop();
    await crashSide.destroy();
    await crashDb.drop();
  }
});

it('dead-letters a payload that breaks its schema and keeps consuming the partition', async () => {
  const raw = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await raw.connect();
  await raw.send({
    topic,
    messages: [
      {
        key: 'o-poison',
        value: JSON.stringify({
          ...definition.fixture,
          eventId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
          payload: { orderId: 'o-poison', seq: 'not a number' },
        }),
      },
    ],
  });
  await raw.send({ topic, messages: [{ key: 'o-poison', value: 'garbage that is not JSON' }] });
  await raw.disconnect();
  await recordOrder(producerSide, 'o-poison', 3);

  await waitFor(async () => (await appliedRows('o-poison')).length === 1, {
    what: 'the valid event after the poison ones',
  });
  const dead = (await new DlqTool(kafka).list(dlqTopicOf(topic))).filter((entry) => entry.key === 'o-poison');
  expect(dead).toHaveLength(2);
  expect(dead.map((d) => d.errorClass)).toEqual(['schema-violation', 'schema-violation']);
  expect(dead[0].reason).toContain('/seq must be integer');
  expect(dead[1].reason).toContain('value is not JSON');
  expect(dead[0].headers[DlqHeader.originalTopic]).toBe(topic);
});

it('dead-letters after bounded retries and applies the message once when replayed', async () => {
  const eventId = await recordOrder(producerSide, 'o-replay', 1, 'fails-until-fixed');
  const tool = new DlqTool(kafka);
  const [entry] = await waitFor(
    async () => {
      const found = (await tool.list(dlqTopicOf(topic))).filter((e) => e.eventId === eventId);
      return found.length === 1 && found;
    },
    { what: 'the exhausted message in the DLQ', timeoutMs: 30000 },
  );
  expect(entry.errorClass).toBe('retries-exhausted');
  expect(entry.headers[DlqHeader.attempts]).toBe('3');
  expect(entry.reason).toBe('downstream dependency unavailable');
  expect(await appliedRows('o-replay')).toHaveLength(0);

  brokenDependency = false;
  const replayProducer = createIdempotentProducer(kafka);
  await replayProducer.connect();
  try {
    const replayed = await tool.replay(dlqTopicOf(topic), (e) => e.eventId === eventId, replayProducer);
    expect(replayed).toHaveLength(1);
  } finally {
    await replayProducer.disconnect();
  }
  await waitFor(async () => (await appliedRows('o-replay')).length === 1, { what: 'the replayed event applied' });
  expect((await appliedRows('o-replay'))[0].times_applied).toBe(1);
});

it('retries lock conflicts without using the retry budget, and counts the rolled-back chunk with its cause', async () => {
  await consumerSide.query(
    `CREATE TABLE IF NOT EXISTS contention (id int PRIMARY KEY); INSERT INTO contention VALUES (1) ON CONFLICT DO NOTHING`,
  );
  const holder = new Client({ connectionString: consumerDb.url });
  await holder.connect();
  try {
    await holder.query(`BEGIN`);
    await holder.query(`SELECT 1 FROM contention WHERE id = 1 FOR UPDATE`);
    const eventId = await recordOrder(producerSide, 'o-contended', 1, 'contended');
    await recordOrder(producerSide, 'o-contended', 2);
    // Far more lock timeouts than the 3 attempts of the budget before the lock is released.
    const conflicts = async () =>
      (await metrics.conflictRetries.get()).values.find((v) => v.labels.cause === '55P03')?.value ?? 0;
    await waitFor(async () => (await conflicts()) >= 6, { what: 'six lock conflicts retried', timeoutMs: 30000 });
    await holder.query(`COMMIT`);
    await waitFor(async () => (await appliedRows('o-contended')).length === 2, { what: 'both events applied' });
    expect((await appliedRows('o-contended')).map((r) => [r.seq, r.times_applied])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect((await new DlqTool(kafka).list(dlqTopicOf(topic))).filter((e) => e.eventId === eventId)).toEqual([]);
    const chunkFailures = (await metrics.chunkFailures.get()).values.filter((v) => v.labels.cause === '55P03');
    expect(chunkFailures.reduce((sum, v) => sum + v.value, 0)).toBeGreaterThanOrEqual(1);
  } finally {
    await holder.end();
  }
});

it('a relay whose lock connection went half-open steps down before its next batch: one copy of each event', async () => {
  const leaderDb = await createScratchDatabase('msg_leader');
  const side = await openProbeDatabase(leaderDb.url, 'producer');
  // The first relay's lock connection goes through a proxy that the test freezes: packets dropped, no error seen.
  const pg = new URL(leaderDb.url);
  const proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port) });
  const first = probeRelay({ url: proxy.urlThrough(leaderDb.url), dataSource: side, brokers: kafkaBrokers });
  const second = probeRelay({ url: leaderDb.url, dataSource: side, brokers: kafkaBrokers });
  const unpublished = async () =>
    (await side.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n as number;
  try {
    await first.start();
    await recordOrder(side, 'o-leader', 0);
    await waitFor(async () => first.isLeader && (await unpublished()) === 0, {
      what: 'the first relay to lead and publish',
    });
    // What PostgreSQL does when it notices a half-open connection: it ends the session, and the lock with it.
    proxy.freeze();
    await side.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND objid = (hashtext('outbox-relay')::bigint & 4294967295)::oid
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    await second.start();
    await waitFor(() => second.isLeader, { what: 'the second relay to take the lock' });
    const eventIds: string[] = [];
    for (let seq = 1; seq <= 30; seq++) eventIds.push(await recordOrder(side, 'o-leader', seq));
    await waitFor(async () => (await unpublished()) === 0, { what: 'every event published' });
    await waitFor(async () => (await appliedRows('o-leader')).length === 31, { what: 'every event applied' });
    // The first relay's question on its lock connection times out: it steps down having sent nothing.
    await waitFor(() => !first.isLeader, { what: 'the first relay to step down', timeoutMs: 15_000 });
    const copies = (await new DlqTool(kafka).list(topic)).filter(
      (m) => m.eventId !== null && eventIds.includes(m.eventId),
    );
    expect(copies).toHaveLength(eventIds.length);
  } finally {
    await proxy.close(); // ends the frozen connection, so the first relay's disconnect completes
    await first.stop();
    await second.stop();
    await side.destroy();
    await leaderDb.drop();
  }
});

it('loses and duplicates nothing when the broker restarts in the middle of 1,000 events', async () => {
  const total = 1000;
  const aggregates = 10;
  const before = await countMessages(kafka, topic);
  let written = 0;
  const writing = (async () => {
    for (let batch = 0; batch < total / 10; batch++) {
      await producerSide.transaction(async (manager) => {
        for (let i = 0; i < 10; i++) {
          const seq = batch * 10 + i;
          await writer.append<ProbePayload>(manager, {
            definition,
            workspaceId: null,
            aggregateId: `o-stream-${seq % aggregates}`,
            payload: { orderId: `o-stream-${seq % aggregates}`, seq, note: '' },
            correlationId: 'stream',
          });
        }
      });
      written += 10;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  })();
  await waitFor(() => written >= 300, { what: '300 events written' });
  await restartKafkaBroker();
  await writing;

  await waitFor(
    async () => {
      const [{ count }] = await consumerSide.query(
        `SELECT count(*)::int AS count FROM applied_orders WHERE order_id LIKE 'o-stream-%'`,
      );
      return count === total;
    },
    { what: `${total} stream events applied`, timeoutMs: 180000, intervalMs: 500 },
  );

  const [{ duplicates }] = await consumerSide.query(
    `SELECT count(*)::int AS duplicates FROM applied_orders WHERE order_id LIKE 'o-stream-%' AND times_applied <> 1`,
  );
  expect(duplicates).toBe(0);
  for (let a = 0; a < aggregates; a++) {
    const versions = (await appliedRows(`o-stream-${a}`)).map((r) => r.aggregate_version);
    expect(versions).toEqual([...Array(total / aggregates).keys()].map((i) => i + 1));
  }
  const [{ unpublished }] = await producerSide.query(
    `SELECT count(*)::int AS unpublished FROM outbox WHERE published_at IS NULL`,
  );
  expect(unpublished).toBe(0);
  expect(await countMessages(kafka, topic)).toBeGreaterThanOrEqual(before + total);
});

it('lists dead-lettered messages with the operator command and refuses a malformed call', () => {
  const cli = (args: string[]) =>
    spawnSync(
      process.execPath,
      ['-r', './scripts/register.cjs', 'libs/platform/messaging/src/cli/dlq-cli.ts', ...args],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, KAFKA_BROKERS: kafkaBrokers.join(',') },
        timeout: 60000,
      },
    );
  const listed = cli(['list', dlqTopicOf(topic)]);
  expect(listed.status).toBe(0);
  const lines = listed.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { errorClass: string; reason: string });
  expect(lines.length).toBeGreaterThanOrEqual(3);
  expect(lines.map((l) => l.errorClass)).toEqual(expect.arrayContaining(['schema-violation', 'retries-exhausted']));
  expect(listed.stderr).toContain(`message(s) in ${dlqTopicOf(topic)}`);

  const malformed = cli(['replay', dlqTopicOf(topic)]);
  expect(malformed.status).toBe(2);
  expect(malformed.stderr).toContain('usage:');
});

it('parks an event Kafka refuses for good, holds back its key, and resumes in order once fixed', async () => {
  const admin = kafka.admin();
  await admin.connect();
  const setLimit = (bytes: number) =>
    admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: 'max.message.bytes', value: String(bytes) }],
        },
      ],
    });
  try {
    await setLimit(2000);
    const huge = await recordOrder(producerSide, 'o-huge', 1, 'x'.repeat(5000));
    const behind = await recordOrder(producerSide, 'o-huge', 2);
    await recordOrder(producerSide, 'o-unrelated', 1);

    await waitFor(async () => (await appliedRows('o-unrelated')).length === 1, {
      what: 'an unrelated event to pass the parked one',
    });
    const [parked] = await producerSide.query(
      `SELECT failed_at, last_error, published_at FROM outbox WHERE event_id = $1`,
      [huge],
    );
    expect(parked.failed_at).not.toBeNull();
    expect(parked.published_at).toBeNull();
    expect(parked.last_error).toContain('MESSAGE_TOO_LARGE');
    const [held] = await producerSide.query(`SELECT failed_at, published_at FROM outbox WHERE event_id = $1`, [behind]);
    expect(held).toEqual({ failed_at: null, published_at: null });
    expect(await relay.backlog()).toMatchObject({ backlog: 2, parked: 1 });
    expect(await appliedRows('o-huge')).toHaveLength(0);

    // The operator raises the limit and releases the parked row: both go out, in order.
    await setLimit(1048588);
    await producerSide.query(`UPDATE outbox SET failed_at = NULL WHERE event_id = $1`, [huge]);
    const applied = await waitFor(
      async () => {
        const rows = await appliedRows('o-huge');
        return rows.length === 2 && rows;
      },
      { what: 'the released events applied' },
    );
    expect(applied.map((r) => r.seq)).toEqual([1, 2]);
  } finally {
    await admin.disconnect();
  }
});

it('purges inbox rows older than the retention and keeps the recent ones', async () => {
  await consumerSide.query(
    `INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset, processed_at)
     SELECT 'retention-probe', gen_random_uuid(), 'probe.order-recorded', 't', 0, g, now() - interval '40 days' FROM generate_series(1, 7) g`,
  );
  const [{ recent }] = await consumerSide.query(
    `SELECT count(*)::int AS recent FROM inbox WHERE processed_at > now() - interval '1 day'`,
  );
  expect(await purgeInbox(consumerSide)).toBe(7);
  const [{ old }] = await consumerSide.query(
    `SELECT count(*)::int AS old FROM inbox WHERE consumer = 'retention-probe'`,
  );
  expect(old).toBe(0);
  const [{ after }] = await consumerSide.query(
    `SELECT count(*)::int AS after FROM inbox WHERE processed_at > now() - interval '1 day'`,
  );
  expect(after).toBe(recent);
});
