import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { undocumentedSuccessResponses } from '@atp/platform-openapi';
import { assertAnswerKeepsContract } from '@atp/testing';

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

describe('assertAnswerKeepsContract (the e2e and int tests check every answer with it)', () => {
  const ws = '11111111-1111-4111-8111-111111111111';
  const mine = { workspaceId: ws, code: 'A', name: 'n', role: 'APPROVER', roles: ['APPROVER'] };
  const check =
    (method: string, path: string, status: number, body: unknown, type = 'application/json') =>
    () =>
      assertAnswerKeepsContract(method, path, status, type, body);

  it('accepts an answer its schema describes, a declared download and a 204', () => {
    expect(check('GET', '/api/v1/workspaces?x=1', 200, { items: [mine] })).not.toThrow();
    expect(
      check('GET', `/api/v1/workspaces/${ws}/punchlists/open-items`, 200, { items: [], nextCursor: null }),
    ).not.toThrow();
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    expect(check('GET', `/api/v1/workspaces/${ws}/config-versions/v/export`, 200, 'bytes', xlsx)).not.toThrow();
    expect(check('DELETE', `/api/v1/workspaces/${ws}/config-versions/v`, 204, '', '')).not.toThrow();
  });

  it('names the operation and the path of a mismatch: a wrong type, an undocumented field or status, no operation', () => {
    expect(check('GET', '/api/v1/workspaces', 200, { items: [{ ...mine, roles: '{APPROVER}' }] })).toThrow(
      /directoryListMyWorkspaces \(GET \/api\/v1\/workspaces\) answered 200 .*\/items\/0\/roles must be array/,
    );
    expect(check('GET', '/api/v1/workspaces', 200, { items: [{ ...mine, extra: 1 }] })).toThrow(
      /additional properties \(extra\)/,
    );
    expect(check('POST', `/api/v1/workspaces/${ws}/workflows/w/hold`, 201, {})).toThrow(/adminHold .* declares no 201/);
    expect(check('GET', '/api/v1/nothing-here', 200, {})).toThrow(/no operation of docs\/openapi.json serves it/);
    expect(check('GET', `/api/v1/workspaces/${ws}/integrity/workflow/audits/latest`, 200, { auditId: 'a' })).toThrow(
      /integrityLatest_workflow .* must have required property 'service'/,
    );
  });
});
