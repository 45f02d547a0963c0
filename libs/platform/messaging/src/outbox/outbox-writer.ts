import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ContractValidator, EventDefinition, EventEnvelope } from '@atp/contracts';
import { activeTraceCarrier } from '@atp/platform-tracing';
import { runPrepared, StatementBuilder } from '@atp/platform-database';

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
    requireTransaction(manager, 'append');
    const envelope = this.envelopeOf(draft);
    // One round trip: take the aggregate's next version (its row lock orders concurrent writers of
    // one aggregate) and insert the event carrying it, with the writer's trace context (NULL untraced).
    const traceContext = activeTraceCarrier();
    const [{ version }] = await runPrepared<{ version: string }>(
      manager,
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
        draft.definition.topic,
        draft.partitionKey ?? draft.aggregateId,
        envelope.eventType,
        JSON.stringify(envelope),
        traceContext && JSON.stringify(traceContext),
      ],
    );
    envelope.aggregateVersion = Number(version);
    return envelope;
  }

  /**
   * All the events of a transaction in one statement: one version upsert per aggregate (`version + n`), one
   * insert, one run of the NOTIFY trigger. Versions follow the drafts' order within each aggregate.
   */
  async appendMany(
    manager: EntityManager,
    drafts: ReadonlyArray<EventDraft<unknown>>,
  ): Promise<EventEnvelope<unknown>[]> {
    requireTransaction(manager, 'appendMany');
    if (drafts.length === 0) return [];
    const statement = new StatementBuilder();
    const envelopes = this.appendManyTo(statement, drafts);
    const rows = await statement.run<{ eventId: string; version: string }>(
      manager,
      `SELECT event_id AS "eventId", aggregate_version AS version FROM ${OUTBOX_ROWS}`,
    );
    const versions = new Map(rows.map((row) => [row.eventId, Number(row.version)]));
    for (const envelope of envelopes)
      envelope.aggregateVersion = versions.get(envelope.eventId) ?? envelope.aggregateVersion;
    return envelopes;
  }

  /**
   * `appendMany` as parts (CTEs `outbox_versions`, `outbox_rows`) of the caller's own statement, which it runs in
   * its open transaction: the events then cost no round trip of their own. Validated here; the envelopes returned
   * carry a placeholder `aggregateVersion` (the statement hands out the real ones; `outbox_rows` returns them).
   */
  appendManyTo(statement: StatementBuilder, drafts: ReadonlyArray<EventDraft<unknown>>): EventEnvelope<unknown>[] {
    if (drafts.length === 0) return [];
    const envelopes = drafts.map((draft) => this.envelopeOf(draft));
    const traceContext = activeTraceCarrier();
    // Per aggregate: how many events it gets (its version moves by that much) and each event's place among them.
    const counts = new Map<string, number>();
    const keyOf = (e: EventEnvelope<unknown>) => `${e.aggregateType}\u0000${e.aggregateId}`;
    const nth = envelopes.map((e) => {
      const n = (counts.get(keyOf(e)) ?? 0) + 1;
      counts.set(keyOf(e), n);
      return n;
    });
    const aggregates = [...counts.keys()].map((key) => key.split('\u0000'));
    const p = (value: unknown, cast: string) => statement.param(value, cast);
    statement.with(
      OUTBOX_VERSIONS,
      `INSERT INTO outbox_aggregate_versions (aggregate_type, aggregate_id, version)
       SELECT * FROM unnest(${p(
         aggregates.map((a) => a[0]),
         '::text[]',
       )}, ${p(
         aggregates.map((a) => a[1]),
         '::text[]',
       )},
         ${p([...counts.values()], '::bigint[]')})
       ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET version = outbox_aggregate_versions.version + EXCLUDED.version
       RETURNING aggregate_type, aggregate_id, version`,
    );
    statement.with(
      OUTBOX_ROWS,
      `INSERT INTO outbox (event_id, topic, partition_key, event_type, aggregate_type, aggregate_id, aggregate_version, envelope, trace_context)
       SELECT e.event_id, e.topic, e.partition_key, e.event_type, e.aggregate_type, e.aggregate_id, v.version - e.of_aggregate + e.nth,
         jsonb_set(e.envelope, '{aggregateVersion}', to_jsonb(v.version - e.of_aggregate + e.nth)), ${p(traceContext && JSON.stringify(traceContext), '::jsonb')}
       FROM unnest(${p(
         envelopes.map((e) => e.eventId),
         '::uuid[]',
       )}, ${p(
         drafts.map((d) => d.definition.topic),
         '::text[]',
       )},
         ${p(
           drafts.map((d) => d.partitionKey ?? d.aggregateId),
           '::text[]',
         )}, ${p(
           envelopes.map((e) => e.eventType),
           '::text[]',
         )},
         ${p(
           envelopes.map((e) => e.aggregateType),
           '::text[]',
         )}, ${p(
           envelopes.map((e) => e.aggregateId),
           '::text[]',
         )}, ${p(nth, '::bigint[]')},
         ${p(
           envelopes.map((e) => counts.get(keyOf(e))),
           '::bigint[]',
         )}, ${p(
           envelopes.map((e) => JSON.stringify(e)),
           '::jsonb[]',
         )})
         WITH ORDINALITY AS e(event_id, topic, partition_key, event_type, aggregate_type, aggregate_id, nth, of_aggregate, envelope, ord)
       JOIN ${OUTBOX_VERSIONS} v ON v.aggregate_type = e.aggregate_type AND v.aggregate_id = e.aggregate_id
       ORDER BY e.ord
       RETURNING event_id, aggregate_version`,
    );
    return envelopes;
  }

  private envelopeOf<TPayload>(draft: EventDraft<TPayload>): EventEnvelope<TPayload> {
    const { definition } = draft;
    const envelope: EventEnvelope<TPayload> = {
      eventId: randomUUID(),
      eventType: definition.eventType,
      schemaVersion: definition.schemaVersion,
      occurredAt: (draft.occurredAt ?? new Date()).toISOString(),
      workspaceId: draft.workspaceId,
      aggregateType: definition.aggregateType,
      aggregateId: draft.aggregateId,
      aggregateVersion: 1, // placeholder until the database hands out the real one
      correlationId: draft.correlationId,
      causationId: draft.causationId ?? null,
      actorId: draft.actorId ?? null,
      payload: draft.payload,
    };
    const verdict = this.validator.validate(envelope);
    if (!verdict.ok) throw new InvalidEventError(`Refusing to write ${definition.eventType}: ${verdict.reason}`);
    return envelope;
  }
}

/** The CTE names `appendManyTo` adds to a statement. */
export const OUTBOX_VERSIONS = 'outbox_versions';
export const OUTBOX_ROWS = 'outbox_rows';

function requireTransaction(manager: EntityManager, method: string): void {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new InvalidEventError(`OutboxWriter.${method} needs the manager of an open transaction`);
  }
}
