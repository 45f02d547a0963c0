import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, STATIC_SERVICE_ENV } from '@atp/testing';
import { loadAppEnv } from './config/env';
import { openApiDocument } from './openapi';

describe('submission-service OpenAPI document', () => {
  it('matches docs/openapi/submission-service.json (regenerate it with npm run openapi)', () => {
    const committed = JSON.parse(
      readFileSync(path.join(repoRoot, 'docs', 'openapi', 'submission-service.json'), 'utf8'),
    );
    expect(JSON.parse(JSON.stringify(openApiDocument(loadAppEnv(STATIC_SERVICE_ENV))))).toEqual(committed);
  });
});
