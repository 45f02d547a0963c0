import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { ContractValidator, Topics, eventCatalog, type EventEnvelope } from '@atp/contracts';
import { waitFor } from '@atp/testing';

/** The event topics a downstream system would subscribe to (not the compacted replica feeds). */
export const EVENT_TOPICS = [
  Topics.configEvents,
  Topics.workflowEvents,
  Topics.submissionEvents,
  Topics.punchlistEvents,
  Topics.integrityEvents,
];

export interface LoggedEvent extends EventEnvelope<any> {
  topic: string;
  partition: number;
  /** Kafka message key: the partition key, which must be the aggregate id (architecture §4). */
  key: string | null;
  /** Null when the event matches its contract; else why not. */
  contractViolation: string | null;
}

export type EventMatch = (event: LoggedEvent) => boolean;

/**
 * A downstream consumer for one spec file: a fresh consumer group that starts exactly at the offsets
 * the topics had when it was created (captured, then sought to after joining), so it sees every event
 * produced from then on and nothing before. Every event is checked against the contract catalog.
 */
export class EventLog {
  private readonly events: LoggedEvent[] = [];
  private readonly validator = new ContractValidator(eventCatalog);

  private constructor(private readonly consumer: Consumer) {}

  static async start(brokers: string[]): Promise<EventLog> {
    const kafka = new Kafka({ brokers, clientId: 'atp-e2e-events', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const start = new Map<string, Array<{ partition: number; offset: string }>>();
    try {
      for (const topic of EVENT_TOPICS)
        start.set(
          topic,
          (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high })),
        );
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({
      groupId: `atp-e2e-${randomUUID()}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
    });
    const log = new EventLog(consumer);
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.connect();
    await consumer.subscribe({ topics: EVENT_TOPICS, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const parsed = log.validator.parse(message.value);
        const raw = parsed.ok ? parsed.event : (safeJson(message.value?.toString()) as EventEnvelope | null);
        if (!raw) return;
        log.events.push({
          ...raw,
          topic,
          partition,
          key: message.key?.toString() ?? null,
          contractViolation: parsed.ok ? null : parsed.reason,
        });
      },
    });
    for (const [topic, partitions] of start)
      for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
    await waitFor(() => joined, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'the e2e event consumer to join its group',
    });
    return log;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  /** Everything seen so far, in arrival order. */
  all(): readonly LoggedEvent[] {
    return this.events;
  }

  /** A mark to read "the events since this step" from. */
  mark(): number {
    return this.events.length;
  }

  since(mark: number, match: EventMatch = () => true): LoggedEvent[] {
    return this.events.slice(mark).filter(match);
  }

  /** The first event (after `from`) that matches, waiting for it. */
  async waitFor(match: EventMatch, what: string, { from = 0, timeoutMs = 30_000 } = {}): Promise<LoggedEvent> {
    return waitFor(() => this.events.slice(from).find(match), { timeoutMs, intervalMs: 50, what: `event ${what}` });
  }

  /** Waits until every listed event type has been seen for the aggregate (after `from`); answers them in that order. */
  async waitForTypes(
    aggregateId: string,
    eventTypes: string[],
    { from = 0, timeoutMs = 30_000 } = {},
  ): Promise<LoggedEvent[]> {
    const found: LoggedEvent[] = [];
    for (const eventType of eventTypes) {
      found.push(
        await this.waitFor(
          (e) => e.aggregateId === aggregateId && e.eventType === eventType && !found.includes(e),
          `${eventType} of ${aggregateId}`,
          { from, timeoutMs },
        ),
      );
    }
    return found;
  }

  /** Event types of one aggregate, in order (optionally after `from`). */
  typesOf(aggregateId: string, from = 0): string[] {
    return this.events
      .slice(from)
      .filter((e) => e.aggregateId === aggregateId)
      .map((e) => e.eventType);
  }
}

function safeJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
