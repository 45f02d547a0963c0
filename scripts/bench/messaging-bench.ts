/**
 * Messaging benchmark (issues 2 and 14): relay throughput, and outbox commit → consumer handler latency
 * at a steady 500 events/s for each relay wake-up mode, with the local commit setting and with durable
 * commits, next to raw kafkajs produce → consume measured in the same run.
 *   npm run bench:messaging            (after `npm run stack:up`; reads .local/stack.env)
 * Env: BENCH_EVENTS (throughput backlog, 50000), BENCH_LATENCY_EVENTS (per phase, 5000),
 *      BENCH_WAKEUPS (adaptive,poll,notify), BENCH_COMMITS (local,durable).
 * Prints figures; asserts nothing. Targets: ≥ 5,000 events/s through the relay; at 500 events/s,
 * p50 ≤ 10 ms and p99 ≤ 50 ms from outbox commit to the consumer's handler.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { dlqTopicOf } from '@atp/contracts';
import {
  createIdempotentProducer,
  createKafka,
  MessagingMetrics,
  OutboxRelay,
  OutboxWriter,
  silentLogger,
  type RelayWakeUp,
} from '@atp/platform-messaging';
import {
  createScratchDatabase,
  createTestTopics,
  deleteTestTopics,
  testKafka,
  uniqueSuffix,
  waitFor,
} from '@atp/testing';
import {
  openProbeDatabase,
  probeDefinition,
  probeValidator,
  type ProbePayload,
} from '../../libs/platform/messaging/test/fixtures/probe-service';
import { commitLabel, latencyOf, loadStackEnv, ms, setDurableCommits, type Latency } from './lib/figures';

const RATE = 500;
const WRITERS = 5;
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

export interface LatencyPhase {
  wakeUp: RelayWakeUp;
  durable: boolean;
  achievedPerSecond: number;
  /** Commit returned → the consumer's handler ran (another process). */
  endToEnd: Latency;
  /** Commit returned → relay marked the row published (after Kafka acknowledged). */
  relay: Latency;
  /** The writers' commit (with its NOTIFY, if armed). */
  commit: Latency;
}

export interface MessagingFigures {
  throughputPerSecond: number;
  rawKafka: Latency;
  phases: LatencyPhase[];
}

/** Paces WRITERS concurrent writers at RATE in total, like concurrent requests of a service. */
async function paced(count: number, write: (i: number) => Promise<void>): Promise<number> {
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      for (let i = writer; i < count; i += WRITERS) {
        const wait = begin + (i * 1000) / RATE - performance.now();
        if (wait > 0) await sleep(wait);
        await write(i);
      }
    }),
  );
  return count / ((performance.now() - begin) / 1000);
}

/** Raw kafkajs: the same producer settings as the relay (idempotent, acks=all), one send per event. */
async function rawKafkaLatency(brokers: string[], count: number): Promise<Latency> {
  const topic = `bench.raw.${uniqueSuffix()}`;
  const admin = testKafka('bench-raw-admin');
  await createTestTopics(admin, [topic], 6);
  const kafka = createKafka({ brokers, clientId: 'bench-raw', logger: silentLogger });
  const producer = createIdempotentProducer(kafka);
  const consumer = kafka.consumer({ groupId: `bench-raw-${uniqueSuffix()}` });
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 6,
      eachMessage: async ({ message }) => {
        const seq = Number(message.value?.toString());
        latencies.push(performance.now() - (sentAt.get(seq) ?? Number.NaN));
      },
    });
    await sleep(3000); // group settles
    await paced(count, async (i) => {
      sentAt.set(i, performance.now());
      await producer.send({ topic, acks: -1, messages: [{ key: `lat-${i % 50}`, value: String(i) }] });
    });
    await waitFor(() => latencies.length >= count, { timeoutMs: 60000, intervalMs: 50, what: 'raw kafkajs messages' });
    return latencyOf(latencies);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await deleteTestTopics(admin, [topic]).catch(() => undefined);
  }
}

async function latencyPhase(
  brokers: string[],
  wakeUp: RelayWakeUp,
  durable: boolean,
  count: number,
): Promise<LatencyPhase> {
  const topic = `bench.latency.${uniqueSuffix()}`;
  const definition = probeDefinition(topic);
  const writer = new OutboxWriter(probeValidator(topic));
  const admin = testKafka('bench-admin');
  const topics = [topic, dlqTopicOf(topic)];
  await createTestTopics(admin, topics, 6);
  const producerDb = await createScratchDatabase('bench_producer');
  const consumerDb = await createScratchDatabase('bench_consumer');
  await setDurableCommits(producerDb.url, durable);
  await setDurableCommits(consumerDb.url, durable);
  const producerSide = await openProbeDatabase(producerDb.url, 'producer');
  const consumerSide = await openProbeDatabase(consumerDb.url, 'consumer');
  const relay = new OutboxRelay({
    serviceName: 'bench',
    dataSource: producerSide,
    databaseUrl: producerDb.url,
    producer: createIdempotentProducer(createKafka({ brokers, clientId: 'bench', logger: silentLogger })),
    logger: silentLogger,
    metrics: new MessagingMetrics(new Registry()),
    wakeUp,
  });
  // The consumer runs in its own process, as a service would.
  const consumerProcess = spawn(
    process.execPath,
    [
      '-r',
      './scripts/register.cjs',
      'scripts/bench/messaging-bench-consumer.ts',
      consumerDb.url,
      topic,
      brokers.join(','),
    ],
    {
      cwd: path.resolve(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    await relay.start();
    let consumerOutput = '';
    consumerProcess.stdout.on('data', (chunk) => (consumerOutput += chunk.toString()));
    await waitFor(() => consumerOutput.includes('READY'), { timeoutMs: 60000, what: 'the consumer process' });
    await sleep(3000); // let its group settle
    const committedAt = new Map<number, number>();
    const commitTimes: number[] = [];
    const achieved = await paced(count, async (i) => {
      const seq = 1_000_000 + i;
      const started = performance.now();
      await producerSide.transaction((manager) =>
        writer.append<ProbePayload>(manager, {
          definition,
          workspaceId: null,
          aggregateId: `lat-${i % 50}`,
          payload: { orderId: `lat-${i % 50}`, seq, note: '' },
          correlationId: 'bench',
        }),
      );
      const now = performance.now();
      commitTimes.push(now - started);
      committedAt.set(seq, performance.timeOrigin + now);
    });
    await waitFor(
      async () => {
        const [{ n }] = await consumerSide.query(
          `SELECT count(*)::int AS n FROM applied_orders WHERE handled_at_ms IS NOT NULL`,
        );
        return n >= count;
      },
      { timeoutMs: 180000, intervalMs: 200, what: 'all latency events applied' },
    );
    const handled = (await consumerSide.query(
      `SELECT seq, handled_at_ms FROM applied_orders WHERE handled_at_ms IS NOT NULL`,
    )) as Array<{ seq: number; handled_at_ms: number }>;
    const marks = (await producerSide.query(
      `SELECT (envelope->'payload'->>'seq')::int AS seq, EXTRACT(EPOCH FROM published_at) * 1000 AS published_ms FROM outbox WHERE topic = $1`,
      [topic],
    )) as Array<{ seq: number; published_ms: number }>;
    const since = (seq: number, at: number) => at - (committedAt.get(seq) ?? Number.NaN);
    return {
      wakeUp,
      durable,
      achievedPerSecond: achieved,
      endToEnd: latencyOf(handled.map((row) => since(row.seq, row.handled_at_ms))),
      relay: latencyOf(marks.map((row) => since(row.seq, Number(row.published_ms)))),
      commit: latencyOf(commitTimes),
    };
  } finally {
    consumerProcess.kill('SIGTERM');
    await relay.stop();
    await producerSide.destroy();
    await consumerSide.destroy();
    await producerDb.drop();
    await consumerDb.drop();
    await deleteTestTopics(admin, topics).catch(() => undefined);
  }
}

async function relayThroughput(brokers: string[], backlog: number): Promise<number> {
  const topic = `bench.messaging.${uniqueSuffix()}`;
  const definition = probeDefinition(topic);
  const writer = new OutboxWriter(probeValidator(topic));
  const admin = testKafka('bench-admin');
  await createTestTopics(admin, [topic, dlqTopicOf(topic)], 6);
  const db = await createScratchDatabase('bench_producer');
  const dataSource: DataSource = await openProbeDatabase(db.url, 'producer');
  const relay = new OutboxRelay({
    serviceName: 'bench',
    dataSource,
    databaseUrl: db.url,
    producer: createIdempotentProducer(createKafka({ brokers, clientId: 'bench', logger: silentLogger })),
    logger: silentLogger,
    metrics: new MessagingMetrics(new Registry()),
    batchSize: 1000,
  });
  try {
    for (let written = 0; written < backlog; written += 500) {
      await dataSource.transaction(async (manager) => {
        for (let i = 0; i < 500; i++) {
          const seq = written + i;
          await writer.append<ProbePayload>(manager, {
            definition,
            workspaceId: null,
            aggregateId: `agg-${seq % 200}`,
            payload: { orderId: `agg-${seq % 200}`, seq, note: '' },
            correlationId: 'bench',
          });
        }
      });
    }
    const started = performance.now();
    await relay.start();
    await waitFor(
      async () => {
        const [{ left }] = await dataSource.query(
          `SELECT count(*)::int AS left FROM outbox WHERE published_at IS NULL`,
        );
        return left === 0;
      },
      { timeoutMs: 600000, intervalMs: 20, what: 'the backlog to drain' },
    );
    return backlog / ((performance.now() - started) / 1000);
  } finally {
    await relay.stop();
    await dataSource.destroy();
    await db.drop();
    await deleteTestTopics(admin, [topic, dlqTopicOf(topic)]).catch(() => undefined);
  }
}

export interface MessagingBenchOptions {
  backlog?: number;
  latencyEvents?: number;
  wakeUps?: RelayWakeUp[];
  commits?: boolean[];
  log?: (line: string) => void;
}

export async function runMessagingBench(options: MessagingBenchOptions = {}): Promise<MessagingFigures> {
  loadStackEnv();
  const log = options.log ?? console.log;
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const count = options.latencyEvents ?? 5000;
  const throughput = await relayThroughput(brokers, options.backlog ?? 50000);
  log(
    `relay throughput: ${Math.round(throughput)} events/s (backlog drained in batches of 1000, 6 partitions, acks=all, idempotent)`,
  );
  const rawKafka = await rawKafkaLatency(brokers, count);
  log(`reference, raw kafkajs produce → consume at ${RATE}/s: p50 ${ms(rawKafka.p50)}, p99 ${ms(rawKafka.p99)}`);
  const phases: LatencyPhase[] = [];
  for (const durable of options.commits ?? [false, true]) {
    for (const wakeUp of options.wakeUps ?? ['adaptive', 'poll', 'notify']) {
      const phase = await latencyPhase(brokers, wakeUp, durable, count);
      phases.push(phase);
      const { endToEnd: e, relay: r, commit: c } = phase;
      log(
        `outbox commit → handler, relay ${wakeUp}, ${commitLabel(durable)}, ${Math.round(phase.achievedPerSecond)}/s: ` +
          `p50 ${ms(e.p50)}, p90 ${ms(e.p90)}, p99 ${ms(e.p99)}, max ${ms(e.max)}` +
          ` | commit → published p50 ${ms(r.p50)} p99 ${ms(r.p99)} | the commit itself p50 ${ms(c.p50)} p99 ${ms(c.p99)}`,
      );
    }
  }
  return { throughputPerSecond: throughput, rawKafka, phases };
}

if (require.main === module) {
  const list = (name: string) =>
    process.env[name]
      ?.split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  runMessagingBench({
    backlog: Number(process.env.BENCH_EVENTS ?? 50000),
    latencyEvents: Number(process.env.BENCH_LATENCY_EVENTS ?? 5000),
    wakeUps: list('BENCH_WAKEUPS') as RelayWakeUp[] | undefined,
    commits: list('BENCH_COMMITS')?.map((v) => v === 'durable'),
  }).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
