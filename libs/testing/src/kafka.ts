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
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: partitions })) });
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
