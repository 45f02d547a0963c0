import { Client, type Notification } from 'pg';
import type { DataSource } from 'typeorm';
import {
  createScratchDatabase,
  createTestTopics,
  deleteTestTopics,
  testKafka,
  testStack,
  uniqueSuffix,
  waitFor,
  type ScratchDatabase,
} from '@atp/testing';
import { dlqTopicOf } from '@atp/contracts';
import { OutboxWriter } from '../src/outbox/outbox-writer';
import type { OutboxRelay } from '../src/outbox/outbox-relay';
import {
  openProbeDatabase,
  probeDefinition,
  probeRelay,
  probeValidator,
  type ProbePayload,
} from './fixtures/probe-service';

/**
 * The outbox trigger notifies only while the wake flag is armed (issue 14 item 3), and the adaptive relay
 * arms it once it is idle: under load no commit takes PostgreSQL's cluster-wide notify lock.
 */
jest.setTimeout(120_000);

const topic = `test.relay-wake.${uniqueSuffix()}`;
const definition = probeDefinition(topic);
const writer = new OutboxWriter(probeValidator(topic));
let db: ScratchDatabase;
let dataSource: DataSource;
let listener: Client;
const heard: string[] = [];

async function writeEvent(seq: number): Promise<void> {
  await dataSource.transaction((manager) =>
    writer.append<ProbePayload>(manager, {
      definition,
      workspaceId: null,
      aggregateId: `wake-${seq}`,
      payload: { orderId: `wake-${seq}`, seq, note: '' },
      correlationId: 'wake',
    }),
  );
}

/** Notifications arrive in commit order: everything heard before this marker was sent by earlier commits. */
async function heardBeforeMarker(): Promise<string[]> {
  const marker = `marker-${uniqueSuffix()}`;
  await dataSource.query(`SELECT pg_notify('outbox_pending', $1)`, [marker]);
  await waitFor(() => heard.includes(marker), { timeoutMs: 10_000, what: 'the marker notification' });
  const before = heard.slice(0, heard.indexOf(marker));
  heard.length = 0;
  return before;
}

beforeAll(async () => {
  await createTestTopics(testKafka('relay-wake-admin'), [topic, dlqTopicOf(topic)], 3);
  db = await createScratchDatabase('relay_wake');
  dataSource = await openProbeDatabase(db.url, 'producer');
  listener = new Client({ connectionString: db.url });
  await listener.connect();
  listener.on('notification', (message: Notification) => heard.push(message.payload ?? ''));
  await listener.query('LISTEN outbox_pending');
});

afterAll(async () => {
  await listener?.end();
  await dataSource?.destroy();
  await db?.drop();
  await deleteTestTopics(testKafka('relay-wake-admin'), [topic, dlqTopicOf(topic)]).catch(() => undefined);
});

it('notifies on commit while armed and stays silent while disarmed', async () => {
  await dataSource.query(`UPDATE outbox_relay_wake SET armed = true`);
  await writeEvent(1);
  expect(await heardBeforeMarker()).toEqual(['']);

  await dataSource.query(`UPDATE outbox_relay_wake SET armed = false`);
  await writeEvent(2);
  await writeEvent(3);
  expect(await heardBeforeMarker()).toEqual([]);
});

it('publishes while it polls, arms the notification once idle, and is woken by it', async () => {
  await dataSource.query(`UPDATE outbox_relay_wake SET armed = false`);
  const relay: OutboxRelay = probeRelay({ url: db.url, dataSource, brokers: testStack().kafkaBrokers });
  const unpublished = async () =>
    (
      (await dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`)) as Array<{
        n: number;
      }>
    )[0].n;
  const armed = async () =>
    ((await dataSource.query(`SELECT armed FROM outbox_relay_wake`)) as Array<{ armed: boolean }>)[0].armed;
  try {
    await relay.start();
    await waitFor(async () => (await unpublished()) === 0, {
      timeoutMs: 30_000,
      what: 'the earlier events to be published',
    });
    await waitFor(armed, { timeoutMs: 30_000, what: 'the idle relay to arm the notification' });
    heard.length = 0;
    await writeEvent(4); // armed: this commit notifies and wakes the relay
    await waitFor(async () => (await unpublished()) === 0, {
      timeoutMs: 30_000,
      what: 'the event written while armed to be published',
    });
    expect(heard).toContain('');
  } finally {
    await relay.stop();
  }
});

it('deletes published rows past retention in bounded batches and keeps the rest', async () => {
  await dataSource.query(
    `INSERT INTO outbox (event_id, topic, partition_key, event_type, aggregate_type, aggregate_id, aggregate_version, envelope, published_at)
     SELECT gen_random_uuid(), $1, 'old', 'probe.order-recorded', 'probe-order', 'old-' || g, 1, '{}'::jsonb, now() - interval '100 hours'
       FROM generate_series(1, 12000) g`,
    [topic],
  );
  await writeEvent(5); // recent, unpublished: stays
  const before = (
    (await dataSource.query(
      `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL OR published_at > now() - interval '72 hours'`,
    )) as Array<{ n: number }>
  )[0].n;
  const relay: OutboxRelay = probeRelay({ url: db.url, dataSource, brokers: testStack().kafkaBrokers });
  expect(await relay.cleanup()).toBe(12000); // three statements of at most 5,000 rows
  const left = ((await dataSource.query(`SELECT count(*)::int AS n FROM outbox`)) as Array<{ n: number }>)[0].n;
  expect(left).toBe(before);
});
