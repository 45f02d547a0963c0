import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { envelopeSchema, type EventEnvelope } from '../envelope';
import type { EventDefinition } from '../event-definition';

export type ValidationResult =
  | { ok: true; event: EventEnvelope; definition: EventDefinition }
  | { ok: false; reason: string };

/** The envelope alone (payload unchecked): enough to route a message on its `eventType`. */
export type EnvelopeResult = { ok: true; envelope: EventEnvelope } | { ok: false; reason: string };

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
}

function keyOf(eventType: string, schemaVersion: number): string {
  return `${eventType}@${schemaVersion}`;
}

/**
 * Validates envelopes and payloads against the catalog. A newer `schemaVersion` of a known event
 * type is checked against the newest schema we know (additive changes keep the topic), so an old
 * consumer keeps reading while its producer moves ahead.
 */
export class ContractValidator {
  private readonly ajv: Ajv;
  private readonly validateEnvelope: ValidateFunction;
  private readonly payloadValidators = new Map<string, ValidateFunction>();
  private readonly definitions = new Map<string, EventDefinition>();
  private readonly newestVersion = new Map<string, number>();

  constructor(catalog: readonly EventDefinition[]) {
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
    this.validateEnvelope = this.ajv.compile(envelopeSchema);
    for (const definition of catalog) {
      const key = keyOf(definition.eventType, definition.schemaVersion);
      if (this.definitions.has(key)) throw new Error(`Event ${key} is defined twice in the catalog`);
      this.definitions.set(key, definition);
      this.payloadValidators.set(key, this.ajv.compile(definition.payloadSchema));
      const newest = this.newestVersion.get(definition.eventType) ?? 0;
      this.newestVersion.set(definition.eventType, Math.max(newest, definition.schemaVersion));
    }
  }

  definitionOf(eventType: string, schemaVersion: number): EventDefinition | undefined {
    return this.definitions.get(keyOf(eventType, schemaVersion));
  }

  /** True when the catalog has a schema of this event type (any version). */
  knows(eventType: string): boolean {
    return this.newestVersion.has(eventType);
  }

  /** Checks the envelope of an already parsed value, not its payload. */
  checkEnvelope(candidate: unknown): EnvelopeResult {
    if (!this.validateEnvelope(candidate)) {
      return { ok: false, reason: `invalid envelope: ${describe(this.validateEnvelope.errors)}` };
    }
    return { ok: true, envelope: candidate as EventEnvelope };
  }

  /** Parses a raw Kafka message value and checks its envelope (consumers route on `eventType` next). */
  parseEnvelope(raw: Buffer | string | null | undefined): EnvelopeResult {
    if (raw === null || raw === undefined || raw.length === 0) return { ok: false, reason: 'empty message value' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString());
    } catch (error) {
      return { ok: false, reason: `value is not JSON: ${(error as Error).message}` };
    }
    return this.checkEnvelope(parsed);
  }

  /** Validates an already parsed value: envelope, known event type, payload. */
  validate(candidate: unknown): ValidationResult {
    const checked = this.checkEnvelope(candidate);
    if (!checked.ok) return checked;
    const event = checked.envelope;
    const newest = this.newestVersion.get(event.eventType);
    if (newest === undefined) return { ok: false, reason: `unknown event type ${event.eventType}` };
    const version = Math.min(event.schemaVersion, newest);
    const key = keyOf(event.eventType, version);
    const validatePayload = this.payloadValidators.get(key);
    const definition = this.definitions.get(key);
    if (!validatePayload || !definition) {
      return { ok: false, reason: `no schema for ${event.eventType} version ${event.schemaVersion}` };
    }
    if (!validatePayload(event.payload)) {
      return { ok: false, reason: `invalid payload of ${key}: ${describe(validatePayload.errors)}` };
    }
    return { ok: true, event, definition };
  }

  /** Parses and validates a raw Kafka message value. */
  parse(raw: Buffer | string | null | undefined): ValidationResult {
    const checked = this.parseEnvelope(raw);
    return checked.ok ? this.validate(checked.envelope) : checked;
  }
}
