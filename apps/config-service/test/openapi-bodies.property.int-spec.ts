import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { assertBodiesNeverFail, bearer, PLATFORM_ADMIN, STATIC_SERVICE_ENV, uniqueSuffix } from '@atp/testing';
import { loadAppEnv } from '../src/config/env';
import { openApiDocument } from '../src/openapi';
import { approvalMatrixRows, csv, scopeConfigFile, startApp } from './support';

/**
 * Issue 8: bodies generated from config-service's OpenAPI schemas, valid and mutated, on every
 * POST/PUT/PATCH of the running service (real PostgreSQL and Kafka): never a 5xx, every 4xx problem+json.
 * The caller is a platform admin and the workspace's admin; ids name a real DRAFT where one helps.
 */
describe('config-service bodies from the OpenAPI document', () => {
  let app: INestApplication;
  const suffix = uniqueSuffix();
  const admin = `oab-admin-${suffix}`;
  const victim = `oab-victim-${suffix}`;
  const headers = bearer(admin, PLATFORM_ADMIN);
  const params: Record<string, string> = { userId: victim };
  jest.setTimeout(300_000);

  beforeAll(async () => {
    app = await startApp();
    const http = () => request(app.getHttpServer());
    for (const id of [admin, victim]) {
      await http()
        .post('/api/v1/users')
        .set(headers)
        .send({ id, email: `${id}@example.test`, fullName: id })
        .expect(201);
    }
    const workspace = await http()
      .post('/api/v1/workspaces')
      .set(headers)
      .send({ code: `OAB-${suffix}`.toUpperCase(), name: 'oab', customerGroupId: 'C', vendorOwnerId: 'V' });
    params.workspaceId = workspace.body.workspaceId;
    const base = `/api/v1/workspaces/${params.workspaceId}/config-versions`;
    const scopes = await http()
      .post(`${base}/import`)
      .set(headers)
      .field('sourceType', 'SCOPE_CONFIG')
      .attach('file', scopeConfigFile(1), 'scopes.csv');
    await http().post(`${base}/${scopes.body.version?.id}/activate`).set(headers);
    const matrix = await http()
      .post(`${base}/import`)
      .set(headers)
      .field('sourceType', 'APPROVAL_MATRIX')
      .attach('file', csv(approvalMatrixRows(2, 2)), 'm.csv');
    if (matrix.status === 201) {
      params.id = matrix.body.version.id;
      const snapshot = await http().get(`${base}/${params.id}/snapshot`).set(headers).expect(200);
      params.stageId = snapshot.body.policyStages[0].id;
    }
  });

  afterAll(() => app?.close());

  it('never answers 5xx, and every refusal is problem+json with a code', async () => {
    const result = await assertBodiesNeverFail(app, {
      document: openApiDocument(loadAppEnv(STATIC_SERVICE_ENV)),
      headers,
      params,
    });
    expect(result.operations).toEqual(
      expect.arrayContaining(['directoryCreateWorkspace', 'configVersionsPatchStage', 'routingDryRun']),
    );
    // Valid bodies got past the validation somewhere: the property is not only about refusals.
    expect(
      Object.values(result.statuses).some((tally) => Object.keys(tally).some((status) => Number(status) < 300)),
    ).toBe(true);
    // Printed for the record: what the generated bodies met, by operation.
    process.stdout.write(`${JSON.stringify(result.statuses)}\n`);
  });
});
