import { allTopicSpecs, dlqTopicOf, type TopicSpec } from '@atp/contracts';
import { APPS, KAFKA_CLUSTER, PART_OF, producersOf, type ConsumerSpec } from './platform';

type Manifest = Record<string, unknown>;

/** Topic replicas on the three brokers of the base; min.insync.replicas 2 so acks=all survives one broker. */
export const TOPIC_REPLICAS = 3;
export const MIN_INSYNC_REPLICAS = '2';

/** A KafkaTopic resource name: DNS-1123, so dots become dashes; spec.topicName keeps the real name. */
export const topicResourceName = (topic: string) => topic.replace(/\./g, '-');

function kafkaTopic(spec: TopicSpec): Manifest {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: {
      name: topicResourceName(spec.name),
      labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'app.kubernetes.io/part-of': PART_OF },
    },
    spec: {
      topicName: spec.name,
      partitions: spec.partitions,
      replicas: TOPIC_REPLICAS,
      config: { 'min.insync.replicas': MIN_INSYNC_REPLICAS, ...spec.config },
    },
  };
}

/** Every topic of the catalog and its DLQ, with the partitions and settings of libs/contracts. */
export function kafkaTopics(): Manifest[] {
  return allTopicSpecs().map(kafkaTopic);
}

type Acl = { resource: Record<string, string>; operations: string[] };

const topicAcl = (name: string, operations: string[]): Acl => ({
  resource: { type: 'topic', name, patternType: 'literal' },
  operations,
});
const groupAcl = (name: string, operations: string[], patternType = 'literal'): Acl => ({
  resource: { type: 'group', name, patternType },
  operations,
});
/** Idempotent producers ask the cluster for a producer id; Describe lets the readiness probe read metadata. */
const clusterAcl: Acl = { resource: { type: 'cluster' }, operations: ['Describe', 'IdempotentWrite'] };

export const kafkaUserName = (app: string) => `atp-${app}`;

function kafkaUser(name: string, component: string, acls: Acl[]): Manifest {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: {
      name,
      labels: {
        'strimzi.io/cluster': KAFKA_CLUSTER,
        'app.kubernetes.io/part-of': PART_OF,
        'app.kubernetes.io/component': component,
      },
    },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: { type: 'simple', acls },
    },
  };
}

/**
 * One KafkaUser per app: it writes only the topics it owns (producersOf), reads the topics its consumers
 * subscribe to, writes their DLQs (dead-lettering) and uses only its consumers' groups. Plus a user for
 * KEDA (describe the consumed topics and groups, to read the lag) and one for the DLQ tool of operators.
 */
export function kafkaUsers(consumers: ConsumerSpec[]): Manifest[] {
  const topics = allTopicSpecs().map((t) => t.name);
  const mainTopics = topics.filter((t) => !t.endsWith('.dlq'));
  const users = APPS.map(({ app }) => {
    const own = mainTopics.filter((t) => producersOf(t).includes(app));
    const mine = consumers.filter((c) => c.app === app);
    const consumed = [...new Set(mine.flatMap((c) => c.topics))].sort();
    return kafkaUser(kafkaUserName(app), 'service', [
      ...own.map((t) => topicAcl(t, ['Write', 'Describe'])),
      ...consumed.map((t) => topicAcl(t, ['Read', 'Describe'])),
      ...consumed.map((t) => topicAcl(dlqTopicOf(t), ['Write', 'Describe'])),
      ...mine.map((c) => groupAcl(c.consumerName, ['Read'])),
      clusterAcl,
    ]);
  });
  const consumedTopics = [...new Set(consumers.flatMap((c) => c.topics))].sort();
  const keda = kafkaUser('atp-keda', 'autoscaling', [
    ...consumedTopics.map((t) => topicAcl(t, ['Describe'])),
    ...consumers.map((c) => groupAcl(c.consumerName, ['Describe'])),
  ]);
  const dlqOperator = kafkaUser('atp-dlq-operator', 'operations', [
    ...mainTopics.map((t) => topicAcl(dlqTopicOf(t), ['Read', 'Describe'])),
    // Replay republishes a dead letter to its original topic.
    ...mainTopics.map((t) => topicAcl(t, ['Write', 'Describe'])),
    groupAcl('dlq-inspector-', ['Read', 'Describe', 'Delete'], 'prefix'),
    clusterAcl,
  ]);
  return [...users, keda, dlqOperator];
}
