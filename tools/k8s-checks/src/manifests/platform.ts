import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Topics } from '@atp/contracts';

/** The repository root (tools/k8s-checks/src/manifests → four levels up). */
export const repoRoot = path.resolve(__dirname, '../../../..');

/**
 * The five deployables: the same table as scripts/lib/services.mjs (an ES module jest cannot load; the
 * spec compares the two). `key` names the database `atp_<key>`, its roles and its CloudNativePG cluster.
 */
export interface AppSpec {
  key: string;
  app: string;
  port: number;
}

export const APPS: readonly AppSpec[] = [
  { key: 'config', app: 'config-service', port: 3001 },
  { key: 'workflow', app: 'workflow-service', port: 3002 },
  { key: 'submission', app: 'submission-service', port: 3003 },
  { key: 'punchlist', app: 'punchlist-service', port: 3004 },
  { key: 'gateway', app: 'gateway', port: 3000 },
];

export const KAFKA_CLUSTER = 'atp-kafka';
export const PART_OF = 'atp-platform';

/** A Kafka consumer declared in an app (a `<feature>.consumer.ts` provider marked @KafkaConsumer()). */
export interface ConsumerSpec {
  app: string;
  consumerName: string;
  topics: string[];
  /** Replica builders read compacted topics from offset 0. */
  fromBeginning: boolean;
  file: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

const topicByKey = Topics as Record<string, string>;

/**
 * Reads the consumers from the apps' sources: each `.consumer.ts` declares its `InboxConsumerSpec` literals
 * (`{ name: '…', topics: [Topics.x, …], fromBeginning?: true }`) that its `@EventPattern`s name.
 * A consumer file this cannot read fails loudly, so a new consumer never goes unnoticed by the ACLs and KEDA.
 */
export function discoverConsumers(root = repoRoot): ConsumerSpec[] {
  const consumers: ConsumerSpec[] = [];
  for (const { app } of APPS) {
    const src = path.join(root, 'apps', app, 'src');
    for (const file of walk(src)
      .filter((f) => f.endsWith('.consumer.ts'))
      .sort()) {
      const text = readFileSync(file, 'utf8');
      const relative = path.relative(root, file);
      const specs = [...text.matchAll(/InboxConsumerSpec = \{([^}]*)\}/g)].map((m) => m[1]);
      if (specs.length === 0) throw new Error(`${relative}: no literal InboxConsumerSpec the k8s generator can read`);
      for (const spec of specs) {
        const name = /name: '([^']+)'/.exec(spec)?.[1];
        const list = /topics: \[([^\]]*)\]/.exec(spec)?.[1];
        if (!name || list === undefined)
          throw new Error(`${relative}: an InboxConsumerSpec without a literal name or topics`);
        const topics = list
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
          .map((item) => {
            const key = /^Topics\.(\w+)$/.exec(item)?.[1];
            const topic = key ? topicByKey[key] : undefined;
            if (!topic) throw new Error(`${relative}: topic "${item}" is not a Topics.<name> of @atp/contracts`);
            return topic;
          });
        consumers.push({
          app,
          consumerName: name,
          topics,
          fromBeginning: /fromBeginning: true/.test(spec),
          file: relative,
        });
      }
    }
  }
  return consumers;
}

/**
 * Who writes a topic: `atp.<service>.…` belongs to `<service>-service`; the integrity topic is shared, each
 * service publishing the orphans its own audits find (architecture §5).
 */
export function producersOf(topic: string): string[] {
  const segment = topic.split('.')[1];
  if (segment === 'integrity') return APPS.filter((a) => a.app !== 'gateway').map((a) => a.app);
  const owner = APPS.find((a) => a.app === `${segment}-service`);
  if (!owner) throw new Error(`topic ${topic} names no service`);
  return [owner.app];
}

export const labelsOf = (app: string, component: string) => ({
  'app.kubernetes.io/name': app,
  'app.kubernetes.io/part-of': PART_OF,
  'app.kubernetes.io/component': component,
});
