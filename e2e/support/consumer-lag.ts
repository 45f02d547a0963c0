import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from '@atp/testing';

/**
 * Waits until the named consumer groups have committed every message on their topics: the services'
 * replicas have caught up with what was published so far (a new workspace's members and config).
 */
export async function waitForConsumersCaughtUp(brokers: string[], groups: string[], timeoutMs = 60_000): Promise<void> {
  const admin = new Kafka({ brokers, clientId: 'atp-e2e-lag', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await waitFor(
      async () => {
        for (const groupId of groups) {
          const committed = await admin.fetchOffsets({ groupId });
          for (const { topic, partitions } of committed) {
            const high = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
            for (const p of partitions) {
              const at = p.offset === '-1' ? 0n : BigInt(p.offset);
              if (at < (high.get(p.partition) ?? 0n)) return false;
            }
          }
        }
        return true;
      },
      { timeoutMs, intervalMs: 200, what: `consumer groups ${groups.join(', ')} to catch up` },
    );
  } finally {
    await admin.disconnect();
  }
}
