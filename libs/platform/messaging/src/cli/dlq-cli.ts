/**
 * Operator command for dead-letter queues:
 *   npm run dlq -- list <dlq-topic>
 *   npm run dlq -- replay <dlq-topic> (--all | --event-id <id> [--event-id <id> ...] | --consumer <name>)
 * Brokers come from KAFKA_BROKERS; TLS and SASL from the KAFKA_* security variables (as the services).
 */
import { kafkaSecurityEnvSchema, loadEnv } from '@atp/platform-config';
import { createIdempotentProducer, createKafka } from '../kafka';
import { kafkaSecurity } from '../kafka-security';
import { DlqTool, type DlqEntry } from '../dlq/dlq-tool';

const consoleLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj: object, msg?: string) => console.error('warn', msg ?? '', JSON.stringify(obj)),
  error: (obj: object, msg?: string) => console.error('error', msg ?? '', JSON.stringify(obj)),
};

function usage(): never {
  console.error(
    'usage: dlq list <dlq-topic> | dlq replay <dlq-topic> (--all | --event-id <id>... | --consumer <name>)',
  );
  process.exit(2);
}

function selector(args: string[]): (entry: DlqEntry) => boolean {
  const eventIds = new Set<string>();
  let consumer: string | null = null;
  let all = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--all') all = true;
    else if (args[i] === '--event-id' && args[i + 1]) eventIds.add(args[++i]);
    else if (args[i] === '--consumer' && args[i + 1]) consumer = args[++i];
    else usage();
  }
  if (!all && eventIds.size === 0 && consumer === null) usage();
  return (entry) =>
    all ||
    (entry.eventId !== null && eventIds.has(entry.eventId)) ||
    (consumer !== null && entry.consumer === consumer);
}

async function main(): Promise<void> {
  const [command, topic, ...rest] = process.argv.slice(2);
  if (!topic || !topic.endsWith('.dlq') || !['list', 'replay'].includes(command)) usage();
  const env = loadEnv({ KAFKA_BROKERS: { kind: 'list' }, ...kafkaSecurityEnvSchema }, process.env);
  const kafka = createKafka({
    brokers: env.KAFKA_BROKERS,
    clientId: 'atp-dlq-cli',
    logger: consoleLogger,
    security: kafkaSecurity(env),
  });
  const tool = new DlqTool(kafka);
  if (command === 'list') {
    const entries = await tool.list(topic);
    for (const e of entries) {
      console.log(
        JSON.stringify({
          partition: e.partition,
          offset: e.offset,
          eventId: e.eventId,
          eventType: e.eventType,
          consumer: e.consumer,
          errorClass: e.errorClass,
          reason: e.reason,
        }),
      );
    }
    console.error(`${entries.length} message(s) in ${topic}`);
    return;
  }
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    const replayed = await tool.replay(topic, selector(rest), producer);
    console.error(`replayed ${replayed.length} message(s) from ${topic}`);
  } finally {
    await producer.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
