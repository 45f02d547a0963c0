import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { undocumentedSuccessResponses } from '@atp/platform-openapi';

/**
 * Every 2xx answer of the committed OpenAPI documents promises its body: a schema per media type, a
 * declared binary download, or a 204 without one. A handler added without `@ApiOkResponse` & co.
 * shows up here after `npm run openapi`, so a client never meets an undocumented answer.
 */
const docs = path.resolve(__dirname, '../../../docs');
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as OpenAPIObject;
const documents = [
  'openapi.json',
  ...readdirSync(path.join(docs, 'openapi'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => `openapi/${file}`),
];

describe('OpenAPI success responses', () => {
  it.each(documents)('docs/%s documents the body of every 2xx answer', (file) => {
    const document = read(path.join(docs, file));
    expect(Object.keys(document.paths).length).toBeGreaterThan(0);
    expect(undocumentedSuccessResponses(document)).toEqual([]);
  });
});
