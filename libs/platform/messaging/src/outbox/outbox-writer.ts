import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ContractValidator, EventDefinition, EventEnvelope } from '@atp/contracts';
import { activeTraceCarrier } from '@atp/platform-tracing';

export interface EventDraft<TPayload> {
  definition: EventDefinition<TPayload>;
  workspaceId: string | null;
  aggregateId: string;
  payload: TPayload;
  correlationId: string;
  causationId?: string | null;
  actorId?: string | null;
  /** Defaults to the aggregate id; anything else must keep one aggregate on one partition. */
  partitionKey?: string;
  occurredAt?: Date;
}

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/**
 * Writes events into the outbox inside the caller's transaction. An event that breaks its own
 * contract is a programming error and fails the transaction, so nothing invalid is ever published.
 */
export class OutboxWriter {
  constructor(private readonly validator: ContractValidator) {}

  async append<TPayload>(manager: EntityManager, draft: EventDraft<TPayload>): Promise<EventEnvelope<TPayload>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new InvalidEventError('OutboxWriter.append needs the manager of an open transaction');
    }
    const { definition } = draft;
    const envelope: EventEnvelope<TPayload> = {
      eventId: randomUUID(),
      eventType: definition.eventType,
      schemaVersion: definition.schemaVersion,
      occurredAt: (draft.occurredAt ?? new Date()).toISOString(),
      workspaceId: draft.workspaceId,
      aggregateType: definition.aggregateType,
      aggregateId: draft.aggregateId,
      aggregateVersion: 1, // placeholder until the database hands out the real one below
      correlationId: draft.correlationId,
      causationId: draft.causationId ?? null,
      actorId: draft.actorId ?? null,
      payload: draft.payload,
    };
    const verdict = this.validator.validate(envelope);
    if (!verdict.ok) throw new InvalidEventError(`Refusing to write ${definition.eventType}: ${verdict.reason}`);
    // One round trip: take the aggregate's next version (its row lock orders concurrent writers of
    // one aggregate) and insert the event carrying it, with the writer's trace context (NULL untraced).
    const traceContext = activeTraceCarrier();
    const [{ version }] = (await manager.query(
      `WITH next AS (
         INSERT INTO outbox_aggregate_versions (aggregate_type, aggregate_id, version) VALUES ($1, $2, 1)
         ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET version = outbox_aggregate_versions.version + 1
         RETURNING version)
       INSERT INTO outbox (event_id, topic, partition_key, event_type, aggregate_type, aggregate_id, aggregate_version, envelope,
                           trace_context)
       SELECT $3, $4, $5, $6, $1, $2, next.version, jsonb_set($7::jsonb, '{aggregateVersion}', to_jsonb(next.version)), $8::jsonb
         FROM next
       RETURNING aggregate_version AS version`,
      [
        envelope.aggregateType,
        envelope.aggregateId,
        envelope.eventId,
        definition.topic,
        draft.partitionKey ?? draft.aggregateId,
        envelope.eventType,
        JSON.stringify(envelope),
        traceContext && JSON.stringify(traceContext),
      ],
    )) as Array<{ version: string }>;
    envelope.aggregateVersion = Number(version);
    return envelope;
  }
}
