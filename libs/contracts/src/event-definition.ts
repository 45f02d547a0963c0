import type { EventEnvelope } from './envelope';

/** A JSON schema object; kept structural so contracts need no schema library at compile time. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * One version of one event type: where it is published, the schema of its payload and a fixture
 * that must satisfy that schema (checked by a round-trip test).
 */
export interface EventDefinition<TPayload = unknown> {
  eventType: string;
  schemaVersion: number;
  topic: string;
  aggregateType: string;
  description: string;
  payloadSchema: JsonSchema;
  fixture: EventEnvelope<TPayload>;
}

export function defineEvent<TPayload>(definition: EventDefinition<TPayload>): EventDefinition<TPayload> {
  return definition;
}

/** Payload type of a definition, for typed handlers: `PayloadOf<typeof WorkspaceCreatedV1>`. */
export type PayloadOf<D> = D extends EventDefinition<infer P> ? P : never;
