/**
 * The envelope every event on every topic carries (architecture §4). `eventId` is the consumers'
 * deduplication key; `aggregateId` is the partition key; `aggregateVersion` grows by one per event of
 * an aggregate so a consumer can tell order and gaps.
 */
export interface EventEnvelope<TPayload = unknown> {
  eventId: string;
  eventType: string;
  schemaVersion: number;
  occurredAt: string;
  /** Null only for platform-wide aggregates (a user exists outside any one workspace). */
  workspaceId: string | null;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion: number;
  correlationId: string;
  causationId: string | null;
  actorId: string | null;
  payload: TPayload;
}

const uuid = { type: 'string', format: 'uuid' } as const;

/** JSON schema of the envelope, payload excluded (each event type has its own payload schema). */
export const envelopeSchema = {
  $id: 'https://atp.example/schemas/envelope.json',
  type: 'object',
  required: [
    'eventId',
    'eventType',
    'schemaVersion',
    'occurredAt',
    'workspaceId',
    'aggregateType',
    'aggregateId',
    'aggregateVersion',
    'correlationId',
    'causationId',
    'actorId',
    'payload',
  ],
  properties: {
    eventId: uuid,
    eventType: { type: 'string', pattern: '^[a-z]+(\\.[a-z][a-z-]*)+$', maxLength: 100 },
    schemaVersion: { type: 'integer', minimum: 1 },
    occurredAt: { type: 'string', format: 'date-time' },
    workspaceId: { anyOf: [uuid, { type: 'null' }] },
    aggregateType: { type: 'string', minLength: 1, maxLength: 60 },
    aggregateId: { type: 'string', minLength: 1, maxLength: 200 },
    aggregateVersion: { type: 'integer', minimum: 1 },
    correlationId: { type: 'string', minLength: 1, maxLength: 200 },
    causationId: { anyOf: [{ type: 'string', minLength: 1, maxLength: 200 }, { type: 'null' }] },
    actorId: { anyOf: [{ type: 'string', minLength: 1, maxLength: 200 }, { type: 'null' }] },
    payload: { type: 'object' },
  },
  // Tolerant reader: a field added to the envelope later (trace context, tenant hints) must not
  // dead-letter every message at consumers deployed before it. Producers write only the fields above.
  additionalProperties: true,
} as const;
