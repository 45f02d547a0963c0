/**
 * Creates every topic of the platform that does not exist yet, from the contracts' list
 * (`allTopicSpecs()`: each topic and its DLQ). The broker runs with auto.create.topics.enable=false,
 * so this is the only way topics come to be, locally and in docker-compose.
 *
 *   KAFKA_BROKERS=127.0.0.1:59092 node -r ./scripts/register.cjs scripts/create-topics.ts [--list]
 *
 * Idempotent: existing topics are kept; a topic with fewer partitions than its spec is grown (adding
 * partitions is safe for new keys; never shrunk); a topic whose settings differ from its spec's
 * `config` (cleanup.policy, max.message.bytes) is corrected. Everything else stays at the broker's defaults.
 */
import { allTopicSpecs, type TopicSpec } from '@atp/contracts';
import { Kafka, logLevel, ConfigResourceTypes, type Admin } from 'kafkajs';

const REPLICATION_FACTOR = 1; // one local broker; Kubernetes manifests set their own

function configEntries(spec: TopicSpec) {
  return Object.entries(spec.config).map(([name, value]) => ({ name, value }));
}

const WATCHED_CONFIGS = ['cleanup.policy', 'max.message.bytes'];

async function retry<T>(what: string, fn: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      // Right after start-up the controller may not have settled yet.
      if (i >= attempts) throw err;
      console.error(`${what} failed (${(err as Error).message}); retry ${i}/${attempts - 1}`);
      await new Promise((r) => setTimeout(r, 500 * i));
    }
  }
}

async function describe(admin: Admin, names: string[]) {
  const metadata = await admin.fetchTopicMetadata({ topics: names });
  const partitions = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: WATCHED_CONFIGS })),
  });
  const settings = new Map(
    configs.resources.map((r) => [r.resourceName, new Map(r.configEntries.map((e) => [e.configName, e.configValue]))]),
  );
  return { partitions, settings };
}

async function main() {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set');
  const specs = allTopicSpecs();
  // KafkaJS's own error logs repeat every retry as JSON; our retry() prints one line per attempt instead.
  const kafka = new Kafka({
    clientId: 'atp-create-topics',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  });
  const admin = kafka.admin();
  await retry('connecting', () => admin.connect());
  try {
    const existing = new Set(await retry('listing topics', () => admin.listTopics()));
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      await retry('creating topics', async () => {
        const still = new Set(await admin.listTopics());
        const todo = missing.filter((s) => !still.has(s.name));
        if (todo.length === 0) return true;
        return admin.createTopics({
          waitForLeaders: true,
          topics: todo.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: REPLICATION_FACTOR,
            configEntries: configEntries(s),
          })),
        });
      });
    }

    const names = specs.map((s) => s.name);
    const before = await retry('describing topics', () => describe(admin, names));
    const grow = specs.filter((s) => (before.partitions.get(s.name) ?? 0) < s.partitions);
    if (grow.length > 0) {
      await admin.createPartitions({ topicPartitions: grow.map((s) => ({ topic: s.name, count: s.partitions })) });
    }
    // alterConfigs replaces a topic's whole override set, so the full spec config is sent.
    const drifted = specs.filter((s) =>
      Object.entries(s.config).some(([name, value]) => before.settings.get(s.name)?.get(name) !== value),
    );
    if (drifted.length > 0) {
      await admin.alterConfigs({
        validateOnly: false,
        resources: drifted.map((s) => ({
          type: ConfigResourceTypes.TOPIC,
          name: s.name,
          configEntries: configEntries(s),
        })),
      });
    }

    const after = grow.length + drifted.length > 0 ? await describe(admin, names) : before;
    console.log(
      `topics: ${missing.length} created, ${specs.length - missing.length} existed` +
        (grow.length ? `, ${grow.length} grown` : '') +
        (drifted.length ? `, ${drifted.length} settings corrected` : ''),
    );
    if (process.argv.includes('--list') || missing.length > 0) {
      for (const s of specs) {
        const settings = after.settings.get(s.name);
        console.log(
          `  ${s.name.padEnd(36)} partitions=${after.partitions.get(s.name)} ${WATCHED_CONFIGS.map((c) => `${c}=${settings?.get(c)}`).join(' ')}`,
        );
      }
    }
  } finally {
    await admin.disconnect();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
