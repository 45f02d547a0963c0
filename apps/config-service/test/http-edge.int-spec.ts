import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { runAcrossWorkspaces } from '@atp/platform-database';
import { bearer, describeHttpEdge, PLATFORM_ADMIN, uniqueSuffix } from '@atp/testing';
import { startApp } from './support';
import { zipBombXlsx } from './zip-fixtures';

const WORKSPACE = '5b0e5c9e-1d4f-4a57-9d42-6f0b7c1a2e30';
const TABLES = ['outbox', 'users', 'workspaces', 'workspace_members', 'sites', 'config_versions', 'idempotency_keys'];

async function countWrites(app: INestApplication): Promise<number> {
  // Every workspace's rows: row-level security would show an unscoped count nothing, and the check could not fail.
  const count = () =>
    app.get(DataSource).query(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})`).join(' + ')} AS n`);
  const rows = (await runAcrossWorkspaces('config-service test: rows written', count)) as Array<{ n: string }>;
  return Number(rows[0].n);
}

describeHttpEdge('config-service', {
  boot: startApp,
  countWrites,
  routes: [
    { method: 'post', path: '/api/v1/users' },
    { method: 'post', path: `/api/v1/workspaces/${WORKSPACE}/routing/dry-run` },
    { method: 'put', path: `/api/v1/workspaces/${WORKSPACE}/sites` },
  ],
});

describe('config-service spreadsheet edge', () => {
  let app: INestApplication;
  jest.setTimeout(60_000);
  let workspaceId: string;
  const admin = `u-edge-${uniqueSuffix()}`;
  beforeAll(async () => {
    app = await startApp();
    // The guard runs before the upload is read: the caller must be an admin of a real workspace.
    const http = () => request(app.getHttpServer());
    await http()
      .post('/api/v1/users')
      .set(bearer('edge-bootstrap', PLATFORM_ADMIN))
      .send({ id: admin, email: `${admin}@example.test`, fullName: admin })
      .expect(201);
    workspaceId = (
      await http()
        .post('/api/v1/workspaces')
        .set(bearer(admin, PLATFORM_ADMIN))
        .send({ code: `EDGE-${uniqueSuffix().toUpperCase()}`, name: 'Edge', customerGroupId: 'C', vendorOwnerId: 'V' })
        .expect(201)
    ).body.workspaceId as string;
  });
  afterAll(() => app?.close());

  it.each(['config-versions/import', 'sites/import'])(
    'refuses a zip-bomb XLSX on %s with 413 problem+json, inflating nothing and writing nothing',
    async (path) => {
      const before = await countWrites(app);
      const call = request(app.getHttpServer()).post(`/api/v1/workspaces/${workspaceId}/${path}`).set(bearer(admin));
      if (path.startsWith('config')) call.field('sourceType', 'SCOPE_CONFIG');
      const response = await call.attach('file', zipBombXlsx(), {
        filename: 'bomb.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });
      expect(response.status).toBe(413);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(response.text)).toMatchObject({ code: 'INFLATED_TOO_LARGE' });
      expect(await countWrites(app)).toBe(before);
    },
  );
});
