import { Kafka, logLevel } from 'kafkajs';
import { testStack } from './stack';

export function testKafka(clientId = 'atp-tests'): Kafka {
  return new Kafka({ brokers: testStack().kafkaBrokers, clientId, logLevel: logLevel.NOTHING });
}

/** Creates topics (and their DLQ twins when asked) for one test file. */
export async function createTestTopics(kafka: Kafka, topics: string[], partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: partitions })),
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTestTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** Messages currently on a topic (sum of high - low watermarks). */
export async function countMessages(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every message of the topics from offset 0 up to their high watermarks when called, parsed as JSON, in each
 * partition's order: what a consumer group replaying the topics from the beginning would see.
 */
export async function readTopicsFromStart<T = unknown>(
  kafka: Kafka,
  topics: string[],
  timeoutMs = 60_000,
): Promise<T[]> {
  const admin = kafka.admin();
  await admin.connect();
  const pending = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) pending.set(`${topic}/${p.partition}`, BigInt(p.high) - 1n);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const values: T[] = [];
  if (pending.size === 0) return values;
  const consumer = kafka.consumer({ groupId: `atp-tests.read-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`topics ${topics.join(', ')} not read to their end in ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            const key = `${topic}/${partition}`;
            const last = pending.get(key);
            if (last === undefined) return;
            if (message.value) values.push(JSON.parse(message.value.toString('utf8')) as T);
            if (BigInt(message.offset) >= last) pending.delete(key);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}
