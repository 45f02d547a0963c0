// `npm run openapi`: writes each service's OpenAPI document (docs/openapi/<service>.json, read from the module
// metadata; nothing is started) and the public API the gateway serves (docs/openapi.json, merged by the gateway's
// routing table). Each service's spec and the gateway's fail when a file drifts from the code.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATIC_SERVICE_ENV as STATIC_ENV } from '@atp/testing';
import { openApiDocument as configDocument } from '../apps/config-service/src/openapi';
import { loadAppEnv as configEnv } from '../apps/config-service/src/config/env';
import { openApiDocument as workflowDocument } from '../apps/workflow-service/src/openapi';
import { loadAppEnv as workflowEnv } from '../apps/workflow-service/src/config/env';
import { openApiDocument as submissionDocument } from '../apps/submission-service/src/openapi';
import { loadAppEnv as submissionEnv } from '../apps/submission-service/src/config/env';
import { openApiDocument as punchlistDocument } from '../apps/punchlist-service/src/openapi';
import { loadAppEnv as punchlistEnv } from '../apps/punchlist-service/src/config/env';
import { publicApiDocument, SERVICE_DOCUMENT_FILES } from '../apps/gateway/src/docs/public-api-document';

const documents = {
  config: configDocument(configEnv(STATIC_ENV)),
  workflow: workflowDocument(workflowEnv(STATIC_ENV)),
  submission: submissionDocument(submissionEnv(STATIC_ENV)),
  punchlist: punchlistDocument(punchlistEnv(STATIC_ENV)),
};
const docs = join(__dirname, '..', 'docs');
const write = (file: string, document: unknown) => writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);

mkdirSync(join(docs, 'openapi'), { recursive: true });
for (const [service, file] of Object.entries(SERVICE_DOCUMENT_FILES)) {
  write(join(docs, 'openapi', file), documents[service as keyof typeof documents]);
}
const merged = publicApiDocument(documents);
write(join(docs, 'openapi.json'), merged);
const operations = Object.values(merged.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
console.log(`docs/openapi.json: ${Object.keys(merged.paths).length} paths, ${operations} operations`);
