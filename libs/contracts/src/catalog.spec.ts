import { eventCatalog } from './catalog';
import { ContractValidator } from './validation/contract-validator';
import { allTopicSpecs } from './topics';

describe('event catalog', () => {
  const validator = new ContractValidator(eventCatalog);

  it.each(eventCatalog.map((d) => [`${d.eventType}@${d.schemaVersion}`, d] as const))(
    '%s fixture survives a JSON round trip and satisfies its schema',
    (_name, definition) => {
      const roundTripped = JSON.parse(JSON.stringify(definition.fixture));
      expect(roundTripped).toEqual(definition.fixture);
      const result = validator.validate(roundTripped);
      expect(result).toMatchObject({ ok: true });
      expect(definition.fixture.eventType).toBe(definition.eventType);
      expect(definition.fixture.aggregateType).toBe(definition.aggregateType);
    },
  );

  it('publishes every event on a known topic', () => {
    const topics = new Set(allTopicSpecs().map((t) => t.name));
    for (const definition of eventCatalog) expect(topics).toContain(definition.topic);
  });

  it('refuses a payload that breaks its schema, naming the field', () => {
    const [first] = eventCatalog;
    const broken = { ...first.fixture, payload: { ...(first.fixture.payload as object), workspaceId: 'not-a-uuid' } };
    const result = validator.validate(broken);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('/workspaceId');
  });

  it('refuses unknown event types, bad envelopes and non-JSON values', () => {
    const [first] = eventCatalog;
    expect(validator.validate({ ...first.fixture, eventType: 'nobody.knows' })).toEqual({
      ok: false,
      reason: 'unknown event type nobody.knows',
    });
    expect(validator.validate({ ...first.fixture, eventId: 42 }).ok).toBe(false);
    expect(validator.parse('{not json').ok).toBe(false);
    expect(validator.parse(null)).toEqual({ ok: false, reason: 'empty message value' });
  });

  it('accepts an envelope with a field added after this consumer was built', () => {
    const [first] = eventCatalog;
    expect(
      validator.validate({ ...first.fixture, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })
        .ok,
    ).toBe(true);
  });

  it('reads the envelope of an event type it does not know, so a consumer can route on it', () => {
    const [first] = eventCatalog;
    const unknown = JSON.stringify({ ...first.fixture, eventType: 'nobody.knows', payload: { anything: true } });
    expect(validator.parseEnvelope(unknown)).toMatchObject({ ok: true, envelope: { eventType: 'nobody.knows' } });
    expect(validator.knows('nobody.knows')).toBe(false);
    expect(validator.knows(first.eventType)).toBe(true);
    expect(validator.parseEnvelope('{"eventType":"x"}').ok).toBe(false);
  });

  it('reads a newer schema version of a known event with the newest schema it knows', () => {
    const [first] = eventCatalog;
    const newer = {
      ...first.fixture,
      schemaVersion: first.schemaVersion + 1,
      payload: { ...(first.fixture.payload as object), extra: 1 },
    };
    expect(validator.validate(newer).ok).toBe(true);
  });
});
