/**
 * The consuming "service" of the messaging benchmark, in its own process as in production:
 * applies the latency topic's events through an InboxConsumer and stamps each with the wall-clock
 * time (high resolution) at which its handler ran.   argv: <database url> <topic> <brokers>
 */
import { performance } from 'node:perf_hooks';
import { createIdempotentProducer, createKafka, InboxConsumer, silentLogger } from '@atp/platform-messaging';
import { uniqueSuffix } from '@atp/testing';
import {
  openProbeDatabase,
  probeDefinition,
  probeValidator,
  type ProbePayload,
} from '../../libs/platform/messaging/test/fixtures/probe-service';

async function main(): Promise<void> {
  const [url, topic, brokers] = process.argv.slice(2);
  const dataSource = await openProbeDatabase(url, 'consumer');
  await dataSource.query(`ALTER TABLE applied_orders ADD COLUMN IF NOT EXISTS handled_at_ms DOUBLE PRECISION`);
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'bench-consumer', logger: silentLogger });
  const dlqProducer = createIdempotentProducer(kafka);
  await dlqProducer.connect();
  const definition = probeDefinition(topic);
  const consumer = new InboxConsumer({
    consumerName: `bench-${uniqueSuffix()}`,
    topics: [topic],
    kafka,
    dataSource,
    validator: probeValidator(topic),
    dlqProducer,
    logger: silentLogger,
    fromBeginning: true,
    partitionsConsumedConcurrently: Number(process.env.BENCH_PARTITIONS_CONCURRENTLY ?? 3),
    handlers: {
      [definition.eventType]: async (event, manager) => {
        const payload = event.envelope.payload as ProbePayload;
        await manager.query(
          `INSERT INTO applied_orders (event_id, order_id, seq, aggregate_version, handled_at_ms) VALUES ($1, $2, $3, $4, $5)`,
          [
            event.envelope.eventId,
            payload.orderId,
            payload.seq,
            event.envelope.aggregateVersion,
            performance.timeOrigin + performance.now(),
          ],
        );
      },
    },
  });
  await consumer.start();
  process.stdout.write('READY\n');
  process.on('SIGTERM', () => void consumer.stop().then(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
