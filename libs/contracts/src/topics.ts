/**
 * Every topic of the platform (architecture §4). Names are `atp.<service>.<kind>.v<N>`; a breaking
 * payload change makes a new `.v<N+1>` topic. Each consumed topic has a `<topic>.dlq` twin.
 */
export const Topics = {
  configEvents: 'atp.config.events.v1',
  configSnapshots: 'atp.config.snapshots.v1',
  configReference: 'atp.config.reference.v1',
  workflowEvents: 'atp.workflow.events.v1',
  submissionEvents: 'atp.submission.events.v1',
  punchlistEvents: 'atp.punchlist.events.v1',
  integrityEvents: 'atp.integrity.events.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Compacted topics keep the latest event per key forever: replicas rebuild from offset 0. */
  compacted: boolean;
  /** Topic-level broker settings the topic must have (created with them, corrected when they drift). */
  config: Record<string, string>;
}

export const DEFAULT_PARTITIONS = 6;
export const DLQ_PARTITIONS = 3;

const compactedTopics: ReadonlySet<string> = new Set([Topics.configSnapshots, Topics.configReference]);

/**
 * A snapshot carries every master row of a config version in one event (a 10,000-row matrix is
 * several MB of JSON), above the broker's 1 MB default. The limit is raised on that topic only.
 */
export const SNAPSHOT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

function topicConfig(name: string): Record<string, string> {
  const config: Record<string, string> = {};
  if (compactedTopics.has(name)) config['cleanup.policy'] = 'compact';
  if (name === Topics.configSnapshots || name === dlqTopicOf(Topics.configSnapshots)) {
    config['max.message.bytes'] = String(SNAPSHOT_MAX_MESSAGE_BYTES);
  }
  return config;
}

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** The full list the local stack and the Kubernetes manifests create: each topic and its DLQ. */
export function allTopicSpecs(): TopicSpec[] {
  return Object.values(Topics).flatMap((name) => [
    { name, partitions: DEFAULT_PARTITIONS, compacted: compactedTopics.has(name), config: topicConfig(name) },
    { name: dlqTopicOf(name), partitions: DLQ_PARTITIONS, compacted: false, config: topicConfig(dlqTopicOf(name)) },
  ]);
}
