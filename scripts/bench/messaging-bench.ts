/**
 * Messaging benchmark (issue 2): relay throughput and commit → applied latency on the running stack.
 *   npm run bench:messaging            (after `node scripts/stack.mjs up`; reads .local/stack.env)
 * Prints figures; asserts nothing. Targets: ≥ 5,000 events/s through the relay; at 500 events/s,
 * p50 ≤ 10 ms and p99 ≤ 50 ms from outbox commit to the consumer's handler.
 */
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { dlqTopicOf } from '@atp/contracts';
import { createIdempotentProducer, createKafka, MessagingMetrics, OutboxRelay, OutboxWriter, silentLogger } from '@atp/platform-messaging';
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
  const writer = new OutboxWriter(probeValidator(topic));
  const latencyWriter = new OutboxWriter(probeValidator(latencyTopic));
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

    // 2. Latency at a steady 500 events/s. The consumer runs in its own process, as a service would.
    const committedAt = new Map<number, number>();
    const consumerProcess = spawn(process.execPath, ['-r', './scripts/register.cjs', 'scripts/bench/messaging-bench-consumer.ts', consumerDb.url, latencyTopic, brokers.join(',')], {
      cwd: path.resolve(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let consumerOutput = '';
    consumerProcess.stdout.on('data', (chunk) => (consumerOutput += chunk.toString()));
    await waitFor(() => consumerOutput.includes('READY'), { timeoutMs: 60000, what: 'the consumer process' });
    await new Promise((resolve) => setTimeout(resolve, 3000)); // let its group settle
    // Five writers of 100 events/s each, like concurrent requests of a service.
    const rate = 500;
    const writers = 5;
    const count = Number(process.env.BENCH_LATENCY_EVENTS ?? 10000);
    const begin = performance.now();
    await Promise.all(Array.from({ length: writers }, async (_, writer) => {
      for (let i = writer; i < count; i += writers) {
        const wait = begin + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const seq = 1_000_000 + i;
        await producerSide.transaction((manager) => latencyWriter.append<ProbePayload>(manager, { definition: latencyDefinition, workspaceId: null, aggregateId: `lat-${i % 50}`, payload: { orderId: `lat-${i % 50}`, seq, note: '' }, correlationId: 'bench' }));
        committedAt.set(seq, performance.timeOrigin + performance.now());
      }
    }));
    const achieved = count / ((performance.now() - begin) / 1000);
    await waitFor(async () => {
      const [{ n }] = await consumerSide.query(`SELECT count(*)::int AS n FROM applied_orders WHERE handled_at_ms IS NOT NULL`);
      return n >= count;
    }, { timeoutMs: 180000, intervalMs: 200, what: 'all latency events applied' });
    consumerProcess.kill('SIGTERM');
    const handled = (await consumerSide.query(`SELECT seq, handled_at_ms FROM applied_orders WHERE handled_at_ms IS NOT NULL`)) as Array<{ seq: number; handled_at_ms: number }>;
    const latencies = handled.map((row) => row.handled_at_ms - (committedAt.get(row.seq) ?? Number.NaN)).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    // Where the time goes: commit → marked published by the relay (after Kafka acknowledged).
    const marks = (await producerSide.query(
      `SELECT (envelope->'payload'->>'seq')::int AS seq, EXTRACT(EPOCH FROM published_at) * 1000 AS published_ms FROM outbox WHERE topic = $1`,
      [latencyTopic],
    )) as Array<{ seq: number; published_ms: number }>;
    const relayDelays = marks.map((m) => m.published_ms - (committedAt.get(m.seq) ?? Number.NaN)).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    console.log(`  of which commit → relay marked published: p50 ${percentile(relayDelays, 50).toFixed(1)} ms, p99 ${percentile(relayDelays, 99).toFixed(1)} ms`);
    console.log(`latency at ${Math.round(achieved)} events/s over ${count} events (commit returned → handler ran in the consumer process): p50 ${percentile(latencies, 50).toFixed(1)} ms, p90 ${percentile(latencies, 90).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`);
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
