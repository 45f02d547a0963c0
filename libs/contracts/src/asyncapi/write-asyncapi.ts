/** Writes the AsyncAPI document: `nx run contracts:asyncapi` → docs/asyncapi.json. */
import { writeFileSync } from 'node:fs';
import { eventCatalog } from '../catalog';
import { buildAsyncApiDocument } from './asyncapi';

const target = process.argv[2] ?? 'docs/asyncapi.json';
writeFileSync(target, `${JSON.stringify(buildAsyncApiDocument(eventCatalog, '1.0.0'), null, 2)}\n`);
console.log(`wrote ${target}`);
