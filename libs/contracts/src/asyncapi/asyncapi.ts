import { envelopeSchema } from '../envelope';
import type { EventDefinition } from '../event-definition';

/** Channel and message keys in AsyncAPI may not contain dots or slashes. */
function key(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * An AsyncAPI 3.0 document generated from the same catalog producers and consumers validate
 * against, so the published description cannot drift from the code.
 */
export function buildAsyncApiDocument(catalog: readonly EventDefinition[], version: string): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const byTopic = new Map<string, EventDefinition[]>();
  for (const definition of catalog)
    byTopic.set(definition.topic, [...(byTopic.get(definition.topic) ?? []), definition]);

  for (const [topic, definitions] of byTopic) {
    const channelMessages: Record<string, unknown> = {};
    for (const definition of definitions) {
      const messageKey = key(`${definition.eventType}.v${definition.schemaVersion}`);
      messages[messageKey] = {
        name: definition.eventType,
        title: `${definition.eventType} v${definition.schemaVersion}`,
        summary: definition.description,
        contentType: 'application/json',
        bindings: { kafka: { key: { type: 'string', description: `the ${definition.aggregateType} id` } } },
        payload: {
          ...envelopeSchema,
          $id: undefined,
          properties: {
            ...envelopeSchema.properties,
            eventType: { const: definition.eventType },
            aggregateType: { const: definition.aggregateType },
            payload: definition.payloadSchema,
          },
        },
        examples: [{ name: 'fixture', payload: definition.fixture }],
      };
      channelMessages[messageKey] = { $ref: `#/components/messages/${messageKey}` };
    }
    const channelKey = key(topic);
    channels[channelKey] = { address: topic, messages: channelMessages };
    operations[`publish_${channelKey}`] = { action: 'send', channel: { $ref: `#/channels/${channelKey}` } };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'ATP Workflow Approval Platform events',
      version,
      description: 'Every event carries the envelope of architecture §4; the partition key is the aggregate id.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
