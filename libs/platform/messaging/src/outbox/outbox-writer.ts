import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ContractValidator, EventDefinition, EventEnvelope } from '@atp/contracts';

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
    const [{ version }] = (await manager.query(
      `INSERT INTO outbox_aggregate_versions (aggregate_type, aggregate_id, version) VALUES ($1, $2, 1)
       ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET version = outbox_aggregate_versions.version + 1
       RETURNING version`,
      [definition.aggregateType, draft.aggregateId],
    )) as Array<{ version: string }>;
    const envelope: EventEnvelope<TPayload> = {
      eventId: randomUUID(),
      eventType: definition.eventType,
      schemaVersion: definition.schemaVersion,
      occurredAt: (draft.occurredAt ?? new Date()).toISOString(),
      workspaceId: draft.workspaceId,
      aggregateType: definition.aggregateType,
      aggregateId: draft.aggregateId,
      aggregateVersion: Number(version),
      correlationId: draft.correlationId,
      causationId: draft.causationId ?? null,
      actorId: draft.actorId ?? null,
      payload: draft.payload,
    };
    const verdict = this.validator.validate(envelope);
    if (!verdict.ok) throw new InvalidEventError(`Refusing to write ${definition.eventType}: ${verdict.reason}`);
    await manager.query(
      `INSERT INTO outbox (event_id, topic, partition_key, event_type, aggregate_type, aggregate_id, aggregate_version, envelope)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        envelope.eventId,
        definition.topic,
        draft.partitionKey ?? draft.aggregateId,
        envelope.eventType,
        envelope.aggregateType,
        envelope.aggregateId,
        envelope.aggregateVersion,
        JSON.stringify(envelope),
      ],
    );
    return envelope;
  }
}
