import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Client } from 'pg';
import { uniqueSuffix, bearer, PLATFORM_ADMIN } from '@atp/testing';
import { approvalMatrixRows, csv, scopeConfigFile, sql, startApp } from './support';

/** A 5,000-row matrix with 20 planted errors reports exactly those 20 and writes nothing. */
describe('config-service: import of a large matrix with planted errors', () => {
  let app: INestApplication;
  let db: Client;
  let workspaceId: string;
  const actor = `u-imp-${uniqueSuffix()}`;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startApp();
    db = await sql();
    await http()
      .post('/api/v1/users')
      .set(bearer('bootstrap', PLATFORM_ADMIN))
      .send({ id: actor, email: `${actor}@example.test`, fullName: 'Importer' })
      .expect(201);
    const ws = await http()
      .post('/api/v1/workspaces')
      .set(bearer(actor, PLATFORM_ADMIN))
      .send({
        code: `IMP-${uniqueSuffix().toUpperCase()}`,
        name: 'Import test',
        customerGroupId: 'cg',
        vendorOwnerId: 'vo',
      })
      .expect(201);
    workspaceId = ws.body.workspaceId;
    const scopes = await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/import`)
      .set(bearer(actor))
      .field('sourceType', 'SCOPE_CONFIG')
      .attach('file', scopeConfigFile(25), 'scopes.csv')
      .expect(201);
    await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/${scopes.body.version.id}/activate`)
      .set(bearer(actor))
      .expect(200);
  }, 30000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('reports exactly the 20 planted errors with sheet, row and column', async () => {
    const m = approvalMatrixRows(1000, 4);
    m.stages = m.stages.slice(0, m.stages.length - 8);
    expect(m.roles.length + m.policies.length + m.stages.length).toBe(5000);
    const planted: Array<{ sheet: string; index: number; column: string; code: string }> = [];
    [0, 6, 12, 18, 24].forEach((i) => {
      m.policies[i].scope_code = `NO_SUCH_SCOPE_${i}`;
      planted.push({ sheet: 'policies', index: i, column: 'scope_code', code: 'UNKNOWN_SCOPE' });
    });
    const stageIndexes = Array.from({ length: 15 }, (_, k) => 400 + k * 97);
    stageIndexes.forEach((i, k) => {
      const stage = m.stages[i] as Record<string, unknown>;
      if (k % 3 === 0) {
        stage.sla_hours = 'abc';
        planted.push({ sheet: 'stages', index: i, column: 'sla_hours', code: 'INVALID_INTEGER' });
      }
      if (k % 3 === 1) {
        stage.role_code = 'NOBODY';
        planted.push({ sheet: 'stages', index: i, column: 'role_code', code: 'UNKNOWN_ROLE' });
      }
      if (k % 3 === 2) {
        stage.assignment_mode = 'MAGIC';
        planted.push({ sheet: 'stages', index: i, column: 'assignment_mode', code: 'INVALID_VALUE' });
      }
    });
    // Line numbers of the sectioned CSV: [roles], header, 8 roles, [policies], header, policies…, [stages], header,
    // stages…
    const firstLine = {
      roles: 3,
      policies: 3 + m.roles.length + 2,
      stages: 3 + m.roles.length + 2 + m.policies.length + 2,
    } as Record<string, number>;
    const before = (
      await db.query(
        `SELECT (SELECT count(*) FROM config_versions WHERE workspace_id = $1)::int AS v, (SELECT count(*) FROM approval_policy_stages WHERE workspace_id = $1)::int AS s`,
        [workspaceId],
      )
    ).rows[0];

    const response = await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/import`)
      .set(bearer(actor))
      .field('sourceType', 'APPROVAL_MATRIX')
      .attach('file', csv(m), 'matrix.csv')
      .expect(422);
    expect(response.body.code).toBe('IMPORT_INVALID');
    const { errors, rowCount, status } = response.body.report;
    expect(status).toBe('INVALID');
    expect(rowCount).toBe(5000);
    expect(errors).toHaveLength(20);
    const found = errors
      .map(
        (e: { sheet: string; row: number; column: string; code: string }) =>
          `${e.sheet}:${e.row}:${e.column}:${e.code}`,
      )
      .sort();
    const expected = planted.map((p) => `${p.sheet}:${firstLine[p.sheet] + p.index}:${p.column}:${p.code}`).sort();
    expect(found).toEqual(expected);

    const after = (
      await db.query(
        `SELECT (SELECT count(*) FROM config_versions WHERE workspace_id = $1)::int AS v, (SELECT count(*) FROM approval_policy_stages WHERE workspace_id = $1)::int AS s`,
        [workspaceId],
      )
    ).rows[0];
    expect(after).toEqual(before);
  }, 60000);
});
