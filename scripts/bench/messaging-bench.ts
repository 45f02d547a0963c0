/**
 * Messaging benchmark (issue 2): relay throughput and commit → applied latency on the running stack.
 *   npm run bench:messaging            (after `node scripts/stack.mjs up`; reads .local/stack.env)
 * Prints figures; asserts nothing. Targets: ≥ 5,000 events/s through the relay; at 500 events/s,
 * p50 ≤ 10 ms and p99 ≤ 50 ms from outbox commit to the consumer's handler.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { dlqTopicOf } from '@atp/contracts';
import {
  createIdempotentProducer, createKafka, InboxConsumer, MessagingMetrics, OutboxRelay, OutboxWriter, silentLogger,
} from '@atp/platform-messaging';
import { createScratchDatabase, createTestTopics, deleteTestTopics, testKafka, uniqueSuffix, waitFor } from '@atp/testing';
import { openProbeDatabase, probeDefinition, probeValidator, type ProbePayload } from '../../libs/platform/messaging/test/fixtures/probe-service';

function loadStackEnv(): void {
  const file = path.resolve(__dirname, '../../.local/stack.env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match && process.env[match[1]] === undefined) process.env[match[1]] = match[2];
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  loadStackEnv();
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  // Two topics: the throughput backlog must not sit in front of the latency stream.
  const topic = `bench.messaging.${uniqueSuffix()}`;
  const latencyTopic = `${topic}.latency`;
  const definition = probeDefinition(topic);
  const latencyDefinition = probeDefinition(latencyTopic);
  const validator = probeValidator(latencyTopic);
  const writer = new OutboxWriter(probeValidator(topic));
  const latencyWriter = new OutboxWriter(validator);
  const adminKafka = testKafka('bench-admin');
  const topics = [topic, dlqTopicOf(topic), latencyTopic, dlqTopicOf(latencyTopic)];
  await createTestTopics(adminKafka, topics, 6);
  const producerDb = await createScratchDatabase('bench_producer');
  const consumerDb = await createScratchDatabase('bench_consumer');
  const producerSide = await openProbeDatabase(producerDb.url, 'producer');
  const consumerSide = await openProbeDatabase(consumerDb.url, 'consumer');
  const kafka = createKafka({ brokers, clientId: 'bench', logger: silentLogger });
  const relay = new OutboxRelay({
    serviceName: 'bench', dataSource: producerSide, databaseUrl: producerDb.url, producer: createIdempotentProducer(kafka),
    logger: silentLogger, metrics: new MessagingMetrics(new Registry()), batchSize: 1000, pollIntervalMs: 1000,
  });

  try {
    // 1. Throughput: a backlog of N events, then the relay drains it.
    const backlog = Number(process.env.BENCH_EVENTS ?? 50000);
    for (let written = 0; written < backlog; written += 500) {
      await producerSide.transaction(async (manager) => {
        for (let i = 0; i < 500; i++) {
          const seq = written + i;
          await writer.append<ProbePayload>(manager, { definition, workspaceId: null, aggregateId: `agg-${seq % 200}`, payload: { orderId: `agg-${seq % 200}`, seq, note: '' }, correlationId: 'bench' });
        }
      });
    }
    const started = performance.now();
    await relay.start();
    await waitFor(async () => {
      const [{ left }] = await producerSide.query(`SELECT count(*)::int AS left FROM outbox WHERE published_at IS NULL`);
      return left === 0;
    }, { timeoutMs: 600000, intervalMs: 20, what: 'the backlog to drain' });
    const seconds = (performance.now() - started) / 1000;
    console.log(`relay throughput: ${backlog} events in ${seconds.toFixed(2)} s = ${Math.round(backlog / seconds)} events/s (batch 1000, 6 partitions, acks=all, idempotent)`);

    // 2. Latency at a steady 500 events/s, each event in its own transaction.
    const committedAt = new Map<number, number>();
    const latencies: number[] = [];
    const dlqProducer = createIdempotentProducer(kafka);
    await dlqProducer.connect();
    const consumer = new InboxConsumer({
      consumerName: `bench-${uniqueSuffix()}`, topics: [latencyTopic], kafka, dataSource: consumerSide, validator, dlqProducer, logger: silentLogger,
      fromBeginning: true,
      handlers: {
        [latencyDefinition.eventType]: async (event, manager) => {
          const payload = event.envelope.payload as ProbePayload;
          await manager.query(`INSERT INTO applied_orders (event_id, order_id, seq, aggregate_version) VALUES ($1, $2, $3, $4)`, [event.envelope.eventId, payload.orderId, payload.seq, event.envelope.aggregateVersion]);
          const t0 = committedAt.get(payload.seq);
          if (t0 !== undefined) latencies.push(performance.now() - t0);
        },
      },
    });
    await consumer.start();
    await new Promise((resolve) => setTimeout(resolve, 3000)); // let the group settle
    const rate = 500;
    const count = Number(process.env.BENCH_LATENCY_EVENTS ?? 10000);
    const begin = performance.now();
    for (let i = 0; i < count; i++) {
      const due = begin + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const seq = 1_000_000 + i;
      await producerSide.transaction((manager) => latencyWriter.append<ProbePayload>(manager, { definition: latencyDefinition, workspaceId: null, aggregateId: `lat-${i % 50}`, payload: { orderId: `lat-${i % 50}`, seq, note: '' }, correlationId: 'bench' }));
      committedAt.set(seq, performance.now());
    }
    const achieved = count / ((performance.now() - begin) / 1000);
    await waitFor(() => latencies.length >= count, { timeoutMs: 120000, what: 'all latency events applied' });
    latencies.sort((a, b) => a - b);
    console.log(`latency at ${Math.round(achieved)} events/s over ${count} events (commit returned → consumer handler): p50 ${percentile(latencies, 50).toFixed(1)} ms, p90 ${percentile(latencies, 90).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`);
    await consumer.stop();
    await dlqProducer.disconnect();
  } finally {
    await relay.stop();
    await producerSide.destroy();
    await consumerSide.destroy();
    await producerDb.drop();
    await consumerDb.drop();
    await deleteTestTopics(adminKafka, topics).catch(() => undefined);
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
