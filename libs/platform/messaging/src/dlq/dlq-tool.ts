import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { DlqHeader, decodeHeaders } from './dlq-headers';

export interface DlqEntry {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  eventId: string | null;
  eventType: string | null;
  reason: string;
  errorClass: string;
  consumer: string;
  originalTopic: string;
}

function eventIdentity(value: string | null): { eventId: string | null; eventType: string | null } {
  try {
    const parsed = JSON.parse(value ?? '') as { eventId?: unknown; eventType?: unknown };
    return {
      eventId: typeof parsed.eventId === 'string' ? parsed.eventId : null,
      eventType: typeof parsed.eventType === 'string' ? parsed.eventType : null,
    };
  } catch {
    return { eventId: null, eventType: null };
  }
}

/**
 * Reads and replays dead-lettered messages. Reading uses a throwaway consumer group that reads
 * every partition from offset 0 up to the current end and is deleted afterwards, so inspecting
 * the DLQ never moves anybody's offsets.
 */
export class DlqTool {
  constructor(private readonly kafka: Kafka) {}

  async list(dlqTopic: string): Promise<DlqEntry[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(dlqTopic);
      const remaining = new Map(
        ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
      );
      if (remaining.size === 0) return [];
      const groupId = `dlq-inspector-${randomUUID()}`;
      const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
      const entries: DlqEntry[] = [];
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [dlqTopic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          consumer
            .run({
              autoCommit: false,
              eachMessage: async ({ partition, message }) => {
                const end = remaining.get(partition);
                if (end === undefined) return;
                const value = message.value?.toString() ?? null;
                const headers = decodeHeaders(message.headers);
                entries.push({
                  partition,
                  offset: message.offset,
                  key: message.key?.toString() ?? null,
                  value,
                  headers,
                  ...eventIdentity(value),
                  reason: headers[DlqHeader.reason] ?? '',
                  errorClass: headers[DlqHeader.errorClass] ?? '',
                  consumer: headers[DlqHeader.consumer] ?? '',
                  originalTopic: headers[DlqHeader.originalTopic] ?? dlqTopic.replace(/\.dlq$/, ''),
                });
                if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
                if (remaining.size === 0) resolve();
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
        await admin.deleteGroups([groupId]).catch(() => undefined);
      }
      return entries.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Publishes the selected messages again on their original topic with their original key, value
   * and headers (minus the DLQ ones). Consumers that applied them already skip them by event id.
   */
  async replay(dlqTopic: string, select: (entry: DlqEntry) => boolean, producer: Producer): Promise<DlqEntry[]> {
    const chosen = (await this.list(dlqTopic)).filter(select);
    const replayedAt = new Date().toISOString();
    for (const entry of chosen) {
      const headers = Object.fromEntries(Object.entries(entry.headers).filter(([name]) => !name.startsWith('dlq-')));
      await producer.send({
        topic: entry.originalTopic,
        acks: -1,
        messages: [{ key: entry.key, value: entry.value, headers: { ...headers, [DlqHeader.replayedAt]: replayedAt } }],
      });
    }
    return chosen;
  }
}
