import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Client } from 'pg';
import { bearer, PLATFORM_ADMIN, uniqueSuffix } from '@atp/testing';
import { csv, sql, startApp } from './support';

/**
 * The config-service items of the functional probe (fd7f7ac), reproduced over HTTP against the real database:
 * each was a 500, a silent acceptance or a misleading refusal there.
 */
describe('config-service: functional probe fd7f7ac', () => {
  let app: INestApplication;
  let db: Client;
  let workspaceId: string;
  const salt = uniqueSuffix();
  const admin = `u-probe-admin-${salt}`;
  const approver = `u-probe-approver-${salt}`;
  const http = () => request(app.getHttpServer());
  const base = () => `/api/v1/workspaces/${workspaceId}`;
  const importFile = (sourceType: string, file: Buffer, name = 'f.csv') =>
    http()
      .post(`${base()}/config-versions/import`)
      .set(bearer(admin))
      .field('sourceType', sourceType)
      .attach('file', file, name);
  const activate = (id: string) => http().post(`${base()}/config-versions/${id}/activate`).set(bearer(admin));
  const versionCount = async () =>
    Number(
      (await db.query(`SELECT count(*) AS n FROM config_versions WHERE workspace_id = $1`, [workspaceId])).rows[0].n,
    );

  const scopes = (extra = '') =>
    csv({
      scopes: [
        {
          scope_code: 'MW_NEW',
          scope_name: `MW New ${salt}${extra}`,
          scope_group: 'MICROWAVE',
          default_template_code: 'ATP_HARDWARE',
        },
        { scope_code: 'PLN_UPGRADE', scope_name: 'PLN', scope_group: 'PLN', default_template_code: 'ATP_HARDWARE' },
      ],
      vendors: [{ vendor_code: 'ZTE', vendor_name: 'ZTE', vendor_type: 'OEM' }],
    });
  const matrixRows = (stage: Record<string, string | number> = {}, policy: Record<string, string | number> = {}) => ({
    roles: [
      { role_code: 'ROH', role_name: 'ROH', hierarchy_order: 1 },
      { role_code: 'RTH', role_name: 'RTH', hierarchy_order: 2 },
    ],
    policies: [
      {
        policy_key: 'P1',
        scope_code: 'MW_NEW',
        vendor_code: '',
        atp_category: 'RAN_MW',
        effective_date: '',
        ...policy,
      },
      { policy_key: 'P2', scope_code: 'PLN_UPGRADE', vendor_code: '', atp_category: 'PLN_UPGRADE', effective_date: '' },
    ],
    stages: [
      {
        policy_key: 'P1',
        stage_number: 1,
        stage_name: 'RTH_REVIEW',
        role_code: 'RTH',
        sequence_order: 1,
        sla_hours: 24,
        ...stage,
      },
      {
        policy_key: 'P2',
        stage_number: 1,
        stage_name: 'ROH_REVIEW',
        role_code: 'ROH',
        sequence_order: 1,
        sla_hours: 48,
      },
      {
        policy_key: 'P2',
        stage_number: 2,
        stage_name: 'RTH_REVIEW',
        role_code: 'RTH',
        sequence_order: 2,
        sla_hours: 24,
      },
    ],
  });
  const clusters = (from = '') =>
    csv({
      clusters: [{ cluster_code: 'C-1', scope_code: 'PLN_UPGRADE', region_name: 'Jabo' }],
      cluster_approvers: ['ROH', 'RTH'].map((role) => ({
        cluster_code: 'C-1',
        role_code: role,
        primary_user: approver,
        effective_from: from,
      })),
    });
  let matrixV1: string;

  beforeAll(async () => {
    app = await startApp();
    db = await sql();
    for (const id of [admin, approver]) {
      await http()
        .post('/api/v1/users')
        .set(bearer('bootstrap', PLATFORM_ADMIN))
        .send({ id, email: `${id}@example.test`, fullName: id })
        .expect(201);
    }
    const ws = await http()
      .post('/api/v1/workspaces')
      .set(bearer(admin, PLATFORM_ADMIN))
      .send({ code: `PROBE-${salt.toUpperCase()}`, name: 'Probe', customerGroupId: 'cg', vendorOwnerId: 'vo' })
      .expect(201);
    workspaceId = ws.body.workspaceId;
    await http().post(`${base()}/members`).set(bearer(admin)).send({ userId: approver, role: 'APPROVER' }).expect(201);
    await activate((await importFile('SCOPE_CONFIG', scopes()).expect(201)).body.version.id).expect(200);
    matrixV1 = (await importFile('APPROVAL_MATRIX', csv(matrixRows())).expect(201)).body.version.id;
    await activate(matrixV1).expect(200);
    await activate((await importFile('CLUSTER_MAPPING', clusters()).expect(201)).body.version.id).expect(200);
  }, 60000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('#1 #14 the unfilled template downloaded from the API is refused as EMPTY_FILE and writes nothing', async () => {
    const template = await http()
      .get(`${base()}/config-templates/APPROVAL_MATRIX`)
      .set(bearer(admin))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const before = await versionCount();
    const response = await importFile('APPROVAL_MATRIX', template.body as Buffer, 't.xlsx').expect(422);
    expect(response.body.report.rowCount).toBe(0);
    expect(response.body.report.errors.map((f: { code: string }) => f.code)).toEqual(['EMPTY_FILE']);
    expect(await versionCount()).toBe(before);
  });

  it('#2a #2b #2c #12 out-of-range SLA, integers and impossible dates are a 422 report, never a 500', async () => {
    const cases: Array<[Record<string, string | number>, Record<string, string | number>, string, string]> = [
      [{ sla_hours: 100000000000 }, {}, 'sla_hours', 'INVALID_INTEGER'],
      [{ sla_hours: 10000000 }, {}, 'sla_hours', 'INVALID_INTEGER'],
      [{ stage_number: 99999999999 }, {}, 'stage_number', 'INVALID_INTEGER'],
      [{}, { effective_date: '2026-02-30' }, 'effective_date', 'INVALID_DATE'],
    ];
    for (const [stage, policy, column, code] of cases) {
      const response = await importFile('APPROVAL_MATRIX', csv(matrixRows(stage, policy)));
      expect([response.status, response.body.code]).toEqual([422, 'IMPORT_INVALID']);
      expect(response.body.report.errors).toEqual([expect.objectContaining({ column, code })]);
    }
    // Feb 30 is reported beside other errors too (it was missing from the INVALID report).
    const both = await importFile(
      'APPROVAL_MATRIX',
      csv(matrixRows({ sla_hours: 'abc' }, { effective_date: '2026-02-31' })),
    ).expect(422);
    expect(both.body.report.errors.map((f: { column: string }) => f.column).sort()).toEqual([
      'effective_date',
      'sla_hours',
    ]);
  });

  it('#2d a CLUSTER_MAPPING with effective_from 2026-02-30 is a 422 report', async () => {
    const response = await importFile('CLUSTER_MAPPING', clusters('2026-02-30')).expect(422);
    expect(response.body.report.errors.map((f: { column: string; code: string }) => `${f.column}:${f.code}`)).toEqual([
      'effective_from:INVALID_DATE',
      'effective_from:INVALID_DATE',
    ]);
  });

  it('#2e a PATCH out of bounds is a 400, and a PATCH that breaks an import rule is refused and changes nothing', async () => {
    const draft = (await importFile('APPROVAL_MATRIX', csv(matrixRows({ sla_hours: 30 }))).expect(201)).body.version
      .id as string;
    const [stage] = (
      await db.query(
        `SELECT id, sla_hours, auto_assign_rule FROM approval_policy_stages WHERE config_version_id = $1 ORDER BY sla_hours LIMIT 1`,
        [draft],
      )
    ).rows;
    const patch = (body: Record<string, unknown>) =>
      http().patch(`${base()}/config-versions/${draft}/policy-stages/${stage.id}`).set(bearer(admin)).send(body);
    for (const body of [{ slaHours: 99999999999 }, { slaHours: 8761 }, { sequenceOrder: 99999999999 }]) {
      const response = await patch(body);
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const invalid = await patch({ assignmentMode: 'RULE', autoAssignRule: { pool: 5 } });
    expect([invalid.status, invalid.body.code]).toEqual([422, 'DRAFT_EDIT_INVALID']);
    expect(invalid.body.report.errors).toEqual([
      expect.objectContaining({ sheet: 'stages', column: 'auto_assign_rule', code: 'INVALID_RULE' }),
    ]);
    const [after] = (
      await db.query(`SELECT sla_hours, assignment_mode, auto_assign_rule FROM approval_policy_stages WHERE id = $1`, [
        stage.id,
      ])
    ).rows;
    expect(after).toEqual({ sla_hours: stage.sla_hours, assignment_mode: 'CLUSTER', auto_assign_rule: null });
    const valid = await patch({
      assignmentMode: 'RULE',
      autoAssignRule: { strategy: 'ROUND_ROBIN', pool: [approver] },
    }).expect(200);
    expect(valid.body).toMatchObject({
      assignmentMode: 'RULE',
      autoAssignRule: { strategy: 'ROUND_ROBIN', pool: [approver] },
    });
    await http().delete(`${base()}/config-versions/${draft}`).set(bearer(admin)).expect(204);
  });

  it('#7 importing the file of a stale DRAFT again replaces the draft instead of DUPLICATE_FILE', async () => {
    const fileA = csv(matrixRows({ sla_hours: 40 }));
    const stale = (await importFile('APPROVAL_MATRIX', fileA).expect(201)).body.version.id as string;
    const other = (await importFile('APPROVAL_MATRIX', csv(matrixRows({ sla_hours: 41 }))).expect(201)).body.version
      .id as string;
    await activate(other).expect(200);
    const refused = await activate(stale).expect(409);
    expect(refused.body.code).toBe('DRAFT_STALE');
    expect(refused.body.detail).toContain('replaces this stale draft');
    const again = await importFile('APPROVAL_MATRIX', fileA).expect(201);
    expect(again.body.replacedStaleDraftId).toBe(stale);
    await http().get(`${base()}/config-versions/${stale}`).set(bearer(admin)).expect(404);
    await activate(again.body.version.id).expect(200);
    // A file whose version is not a stale DRAFT is still a duplicate.
    expect((await importFile('APPROVAL_MATRIX', fileA).expect(409)).body.code).toBe('DUPLICATE_FILE');
  });

  it('#20 re-importing the export of the ACTIVE version warns SAME_AS_ACTIVE', async () => {
    const active = (
      await db.query(
        `SELECT id, version_number FROM config_versions WHERE workspace_id = $1 AND source_type = 'SCOPE_CONFIG' AND status = 'ACTIVE'`,
        [workspaceId],
      )
    ).rows[0];
    const exported = await http()
      .get(`${base()}/config-versions/${active.id}/export`)
      .set(bearer(admin))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const response = await importFile('SCOPE_CONFIG', exported.body as Buffer, 'export.xlsx').expect(201);
    expect(response.body.report.status).toBe('WARNINGS');
    expect(response.body.report.warnings).toEqual([expect.objectContaining({ code: 'SAME_AS_ACTIVE' })]);
    expect(response.body.version.validationStatus).toBe('WARNINGS');
    await http().delete(`${base()}/config-versions/${response.body.version.id}`).set(bearer(admin)).expect(204);
  });

  it('#10 a Latin-1 CSV is refused with INVALID_ENCODING instead of being stored with U+FFFD', async () => {
    const latin1 = Buffer.from(
      `[scopes]\nscope_code,scope_name,scope_group\nMW_NEW,Li\xe7ence Fa\xe7ade ${salt},MICROWAVE\n[vendors]\nvendor_code,vendor_name,vendor_type\nZTE,ZTE,OEM\n`,
      'latin1',
    );
    const response = await importFile('SCOPE_CONFIG', latin1).expect(422);
    expect(response.body.report.errors).toEqual([
      expect.objectContaining({ sheet: 'scopes', row: 3, column: 'scope_name', code: 'INVALID_ENCODING' }),
    ]);
  });

  it('#8 a SCOPE_CONFIG that drops a scope the ACTIVE versions use warns, and once active the scope does not route', async () => {
    const before = await http()
      .post(`${base()}/routing/dry-run`)
      .set(bearer(admin))
      .send({ scopeCode: 'PLN_UPGRADE', atpCategory: 'PLN_UPGRADE' })
      .expect(200);
    expect(before.body).toMatchObject({ ok: true, matchedRule: 'ANY_VENDOR' });
    const dropped = csv({
      scopes: [{ scope_code: 'MW_NEW', scope_name: 'MW only', scope_group: 'MICROWAVE' }],
      vendors: [{ vendor_code: 'ZTE', vendor_name: 'Z', vendor_type: 'OEM' }],
    });
    const response = await importFile('SCOPE_CONFIG', dropped).expect(201);
    expect(response.body.report.warnings).toEqual([
      expect.objectContaining({
        sheet: 'scopes',
        column: 'scope_code',
        code: 'SCOPE_IN_USE_REMOVED',
        message: expect.stringContaining('scope PLN_UPGRADE'),
      }),
    ]);
    await activate(response.body.version.id).expect(200);
    const after = await http()
      .post(`${base()}/routing/dry-run`)
      .set(bearer(admin))
      .send({ scopeCode: 'PLN_UPGRADE', atpCategory: 'PLN_UPGRADE' })
      .expect(200);
    expect(after.body).toMatchObject({ ok: false, reason: 'NO_POLICY' });
  });

  it('#16 GET /users lists every user for a platform admin, with cursor paging', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http()
        .get('/api/v1/users')
        .query(cursor ? { limit: 2, cursor } : { limit: 2 })
        .set(bearer(admin, PLATFORM_ADMIN))
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((u: { userId: string }) => u.userId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining([admin, approver]));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    expect((await http().get('/api/v1/users').set(bearer(approver))).status).toBe(403);
    expect((await http().get('/api/v1/users').query({ page: 2 }).set(bearer(admin, PLATFORM_ADMIN))).status).toBe(400);
  });

  it('#17 sites and members page with limit and cursor, and refuse unknown or bad query parameters', async () => {
    for (const code of ['P-A', 'P-B', 'P-C']) {
      await http()
        .put(`${base()}/sites`)
        .set(bearer(admin))
        .send({ siteCode: `${code}-${salt}`, siteName: code })
        .expect(200);
    }
    for (const list of ['sites', 'members']) {
      for (const query of [
        { limit: 0 },
        { limit: 201 },
        { limit: 'two' },
        { unknown: 'x' },
        { cursor: 'not-a-cursor' },
      ]) {
        expect([list, query, (await http().get(`${base()}/${list}`).query(query).set(bearer(admin))).status]).toEqual([
          list,
          query,
          400,
        ]);
      }
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await http()
          .get(`${base()}/${list}`)
          .query(cursor ? { limit: 1, cursor } : { limit: 1 })
          .set(bearer(admin))
          .expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      const all = await http().get(`${base()}/${list}`).set(bearer(admin)).expect(200);
      expect(all.body.nextCursor).toBeNull();
      expect(seen).toEqual(all.body.items);
      expect(seen.length).toBeGreaterThanOrEqual(2);
    }
  });
});
