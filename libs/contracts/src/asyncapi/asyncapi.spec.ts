import { readFileSync } from 'node:fs';
import { eventCatalog } from '../catalog';
import { buildAsyncApiDocument } from './asyncapi';

describe('AsyncAPI document', () => {
  it('describes every event of the catalog on its topic, with its fixture as example', () => {
    const document = buildAsyncApiDocument(eventCatalog, '1.0.0') as {
      asyncapi: string;
      channels: Record<string, { address: string; messages: Record<string, unknown> }>;
      components: { messages: Record<string, { name: string; examples: Array<{ payload: unknown }> }> };
    };
    expect(document.asyncapi).toBe('3.0.0');
    for (const definition of eventCatalog) {
      const message = Object.values(document.components.messages).find((m) => m.name === definition.eventType);
      expect(message?.examples[0].payload).toEqual(definition.fixture);
      const channel = Object.values(document.channels).find((c) => c.address === definition.topic);
      expect(channel).toBeDefined();
    }
  });
});

describe('docs/asyncapi.json', () => {
  it('is regenerated whenever the catalog changes (npx nx run contracts:asyncapi)', () => {
    const committed = JSON.parse(readFileSync(`${__dirname}/../../../../docs/asyncapi.json`, 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildAsyncApiDocument(eventCatalog, '1.0.0'))));
  });
});
