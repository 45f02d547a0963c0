import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Client } from 'pg';
import { uniqueSuffix, bearer, PLATFORM_ADMIN } from '@atp/testing';
import { approvalMatrixRows, csv, scopeConfigFile, sql, startApp } from './support';

/** Runbook C1–C3, INV1–INV2 and the HTTP lifecycle against the real database. */
describe('config-service: schema and config lifecycle', () => {
  let app: INestApplication;
  let db: Client;
  let workspaceId: string;
  const actor = `u-admin-${uniqueSuffix()}`;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startApp();
    db = await sql();
    await http()
      .post('/api/v1/users')
      .set(bearer('bootstrap', PLATFORM_ADMIN))
      .send({ id: actor, email: `${actor}@example.test`, fullName: 'Admin' })
      .expect(201);
    const ws = await http()
      .post('/api/v1/workspaces')
      .set(bearer(actor, PLATFORM_ADMIN))
      .send({
        code: `TEST-${uniqueSuffix().toUpperCase()}`,
        name: 'Test workspace',
        customerGroupId: 'cg',
        vendorOwnerId: 'vo',
      })
      .expect(201);
    workspaceId = ws.body.workspaceId;
  }, 30000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  const importFile = (sourceType: string, file: Buffer, name = 'file.csv') =>
    http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/import`)
      .set(bearer(actor))
      .field('sourceType', sourceType)
      .attach('file', file, name);

  describe('C1 catalog', () => {
    it('has every table, the named foreign keys, CHECKs and the partial unique index', async () => {
      const tables = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
      const names = tables.rows.map((r) => r.table_name);
      for (const t of [
        'workspaces',
        'users',
        'workspace_members',
        'sites',
        'config_versions',
        'atp_scope_master',
        'vendor_master',
        'approval_role_master',
        'approval_policy_master',
        'approval_policy_stages',
        'cluster_master',
        'cluster_approver_master',
        'workflow_pins',
      ])
        expect(names).toContain(t);
      const fks = await db.query(
        `SELECT conname, confdeltype FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
      );
      expect(fks.rows.length).toBeGreaterThanOrEqual(30);
      for (const fk of fks.rows) expect(fk.conname).toMatch(/^fk_[a-z_]+$/);
      const rule = (name: string) => fks.rows.find((r) => r.conname === name)?.confdeltype;
      expect(rule('fk_approval_policy_master_config_versions')).toBe('r');
      expect(rule('fk_approval_policy_stages_approval_policy_master')).toBe('c');
      expect(rule('fk_cluster_approver_master_users_backup')).toBe('n');
      const checks = await db.query(
        `SELECT conname FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace`,
      );
      expect(checks.rows.length).toBeGreaterThanOrEqual(22);
      const index = await db.query(
        `SELECT indexdef FROM pg_indexes WHERE indexname = 'ux_config_versions_one_active_per_workspace'`,
      );
      expect(index.rows[0].indexdef).toMatch(
        /UNIQUE INDEX .* \(workspace_id, source_type\) WHERE \(\(status\)::text = 'ACTIVE'::text\)/,
      );
      const idx = await db.query(
        `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'idx_%'`,
      );
      expect(idx.rows[0].n).toBeGreaterThanOrEqual(15);
    });

    it('refuses source_type INVALID_TYPE', async () => {
      await expect(
        db.query(
          `INSERT INTO config_versions (workspace_id, source_file_name, source_type, version_number, imported_by) VALUES ($1, 'x', 'INVALID_TYPE', 999, $2)`,
          [workspaceId, actor],
        ),
      ).rejects.toMatchObject({ code: '23514' });
    });
  });

  it('C2 id types follow domain §1.1', async () => {
    const { rows } =
      await db.query(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'
      AND (column_name IN ('id', 'workspace_id', 'config_version_id', 'imported_by', 'primary_user_id', 'scope_id', 'policy_id'))`);
    const type = (t: string, c: string) => rows.find((r) => r.table_name === t && r.column_name === c)?.data_type;
    expect(type('workspaces', 'id')).toBe('uuid');
    expect(type('users', 'id')).toBe('text');
    expect(type('config_versions', 'id')).toBe('text');
    expect(type('config_versions', 'workspace_id')).toBe('uuid');
    expect(type('approval_policy_master', 'scope_id')).toBe('text');
    expect(type('approval_policy_stages', 'policy_id')).toBe('text');
    expect(type('cluster_approver_master', 'primary_user_id')).toBe('text');
    for (const t of [
      'atp_scope_master',
      'vendor_master',
      'approval_role_master',
      'approval_policy_master',
      'approval_policy_stages',
      'cluster_master',
      'cluster_approver_master',
    ]) {
      expect(type(t, 'id')).toBe('text');
      expect(type(t, 'config_version_id')).toBe('text');
    }
  });

  it('C3 + INV1/INV2: DRAFT → ACTIVE, second ACTIVE refused by the database, chain and SUPERSEDED', async () => {
    const v1 = await importFile('SCOPE_CONFIG', scopeConfigFile(3)).expect(201);
    expect(v1.body.version).toMatchObject({ status: 'DRAFT', versionNumber: 1, validationStatus: 'VALID' });
    const a1 = await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/${v1.body.version.id}/activate`)
      .set(bearer(actor))
      .expect(200);
    expect(a1.body.activatedAt).toBeTruthy();
    const v2 = await importFile('SCOPE_CONFIG', scopeConfigFile(4)).expect(201);
    expect(v2.body.version).toMatchObject({ versionNumber: 2, previousVersionId: v1.body.version.id });
    // INV2: the database refuses a second ACTIVE regardless of the API.
    await expect(
      db.query(`UPDATE config_versions SET status = 'ACTIVE' WHERE id = $1`, [v2.body.version.id]),
    ).rejects.toMatchObject({ code: '23505' });
    await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/${v2.body.version.id}/activate`)
      .set(bearer(actor))
      .expect(200);
    const { rows } = await db.query(
      `SELECT id, status, superseded_by_id FROM config_versions WHERE workspace_id = $1 AND source_type = 'SCOPE_CONFIG' ORDER BY version_number`,
      [workspaceId],
    );
    expect(rows).toEqual([
      { id: v1.body.version.id, status: 'SUPERSEDED', superseded_by_id: v2.body.version.id },
      { id: v2.body.version.id, status: 'ACTIVE', superseded_by_id: null },
    ]);
    // INV1: an ACTIVE version cannot be deleted, neither through the API nor in SQL; its rows are frozen.
    const refused = await http()
      .delete(`/api/v1/workspaces/${workspaceId}/config-versions/${v2.body.version.id}`)
      .set(bearer(actor));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('VERSION_NOT_DELETABLE');
    expect(refused.headers['content-type']).toContain('application/problem+json');
    await expect(db.query(`DELETE FROM config_versions WHERE id = $1`, [v2.body.version.id])).rejects.toThrow(
      /cannot be deleted/,
    );
    await expect(
      db.query(`UPDATE atp_scope_master SET scope_name = 'x' WHERE config_version_id = $1`, [v2.body.version.id]),
    ).rejects.toThrow(/immutable/);
    await expect(
      db.query(`UPDATE config_versions SET notes = 'x' WHERE id = $1`, [v1.body.version.id]),
    ).rejects.toThrow(/immutable/);
  });

  it('lists versions a page at a time: by source type, newest first, the cursor continues without repeats', async () => {
    await importFile('SCOPE_CONFIG', scopeConfigFile(5)).expect(201);
    const all = await http().get(`/api/v1/workspaces/${workspaceId}/config-versions`).set(bearer(actor)).expect(200);
    expect(all.body.nextCursor).toBeNull();
    const key = (v: { sourceType: string; versionNumber: number }) => `${v.sourceType}#${v.versionNumber}`;
    expect(all.body.items.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ sourceType: string; versionNumber: number }>; nextCursor: string | null } = (
        await http()
          .get(`/api/v1/workspaces/${workspaceId}/config-versions`)
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(bearer(actor))
          .expect(200)
      ).body;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map(key));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map(key));
    const scopes = await http()
      .get(`/api/v1/workspaces/${workspaceId}/config-versions`)
      .query({ sourceType: 'SCOPE_CONFIG' })
      .set(bearer(actor))
      .expect(200);
    const numbers = scopes.body.items.map((v: { versionNumber: number }) => v.versionNumber);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    const bad = await http()
      .get(`/api/v1/workspaces/${workspaceId}/config-versions`)
      .query({ cursor: 'not-a-cursor' })
      .set(bearer(actor));
    expect(bad.status).toBe(400);
  });

  it('imports a matrix, edits a DRAFT stage, diffs, rolls back by clone and exports', async () => {
    const m = approvalMatrixRows(10, 3);
    const v1 = await importFile('APPROVAL_MATRIX', csv(m)).expect(201);
    const id1 = v1.body.version.id;
    expect(v1.body.report.status).toBe('VALID');
    const snapshot = await http()
      .get(`/api/v1/workspaces/${workspaceId}/config-versions/${id1}/snapshot`)
      .set(bearer(actor))
      .expect(200);
    const stage = snapshot.body.policyStages[0];
    const patched = await http()
      .patch(`/api/v1/workspaces/${workspaceId}/config-versions/${id1}/policy-stages/${stage.id}`)
      .set(bearer(actor))
      .send({ slaHours: 12 })
      .expect(200);
    expect(patched.body.slaHours).toBe(12);
    await http()
      .patch(`/api/v1/workspaces/${workspaceId}/config-versions/${id1}/policy-stages/${stage.id}`)
      .set(bearer(actor))
      .send({ slaHours: 'soon' })
      .expect(400);
    await http()
      .patch(`/api/v1/workspaces/${workspaceId}/config-versions/${id1}/policy-stages/${stage.id}`)
      .set(bearer(actor))
      .send({ colour: 'red' })
      .expect(400);
    await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/${id1}/activate`)
      .set(bearer(actor))
      .expect(200);
    await http()
      .patch(`/api/v1/workspaces/${workspaceId}/config-versions/${id1}/policy-stages/${stage.id}`)
      .set(bearer(actor))
      .send({ slaHours: 13 })
      .expect(409);

    const changed = approvalMatrixRows(10, 3);
    changed.stages[0].sla_hours = 72;
    const v2 = await importFile('APPROVAL_MATRIX', csv({ ...changed, roles: m.roles })).expect(201);
    const diff = await http()
      .get(`/api/v1/workspaces/${workspaceId}/config-versions/${v2.body.version.id}/diff`)
      .set(bearer(actor))
      .expect(200);
    expect(diff.body.activeVersionId).toBe(id1);
    expect(diff.body.changes.policyStages.changed.map((c: { key: string }) => c.key)).toContain(
      'SCOPE_0|ZTE|RAN_MW|1|FOP_RTS|',
    );
    await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/${v2.body.version.id}/activate`)
      .set(bearer(actor))
      .expect(200);

    const rolled = await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/${id1}/rollback`)
      .set(bearer(actor))
      .expect(201);
    expect(rolled.body).toMatchObject({
      status: 'ACTIVE',
      isRollback: true,
      rolledBackFromId: id1,
      versionNumber: 3,
      previousVersionId: v2.body.version.id,
    });
    const clone = await http()
      .get(`/api/v1/workspaces/${workspaceId}/config-versions/${rolled.body.id}/snapshot`)
      .set(bearer(actor))
      .expect(200);
    expect(clone.body.policyStages).toHaveLength(30);
    expect(clone.body.policyStages.find((s: { slaHours: number }) => s.slaHours === 12)).toBeTruthy();

    const exported = await http()
      .get(`/api/v1/workspaces/${workspaceId}/config-versions/${rolled.body.id}/export`)
      .set(bearer(actor))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect((exported.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    const template = await http()
      .get(`/api/v1/workspaces/${workspaceId}/config-templates/APPROVAL_MATRIX`)
      .set(bearer(actor))
      .expect(200);
    expect(template.headers['content-type']).toContain('spreadsheetml');
  });

  it('refuses the same file twice, unreadable files and bad input, writing nothing', async () => {
    const count = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM config_versions WHERE workspace_id = $1`, [workspaceId])).rows[0]
        .n;
    const file = scopeConfigFile(2, 'dup');
    await importFile('SCOPE_CONFIG', file).expect(201);
    const before = await count();
    const dup = await importFile('SCOPE_CONFIG', file).expect(409);
    expect(dup.body.code).toBe('DUPLICATE_FILE');
    expect(dup.body.existingVersionId).toBeTruthy();
    await importFile('SCOPE_CONFIG', Buffer.from('PK\u0003\u0004garbage'), 'x.xlsx').expect(422);
    const tooLong = await importFile(
      'SCOPE_CONFIG',
      csv({ scopes: [{ scope_code: 'X', scope_name: 'y'.repeat(3000), scope_group: 'RAN' }] }),
    ).expect(422);
    expect(tooLong.body.code).toBe('CELL_TOO_LONG');
    const bad = await importFile('NOPE', file).expect(400);
    expect(bad.body.errors[0].field).toBe('sourceType');
    // Not a workspace id: no membership can match it, so the same 404 as any workspace of someone else.
    await http()
      .post(`/api/v1/workspaces/not-a-uuid/config-versions/import`)
      .set(bearer(actor))
      .field('sourceType', 'SCOPE_CONFIG')
      .attach('file', file, 'f.csv')
      .expect(404);
    await http()
      .post(`/api/v1/workspaces/00000000-0000-4000-8000-000000000000/config-versions/import`)
      .set(bearer(actor))
      .field('sourceType', 'SCOPE_CONFIG')
      .attach('file', scopeConfigFile(1), 'f.csv')
      .expect(404);
    // A valid token of a user who is no member of the workspace: the workspace does not exist for them.
    await importFile('SCOPE_CONFIG', scopeConfigFile(1)).set(bearer('nobody-here')).expect(404);
    expect(await count()).toBe(before);
  });

  it('maps legacy aliases to canonical codes', async () => {
    const m = approvalMatrixRows(2, 1);
    m.roles = [
      { role_code: 'NOC_HEAD', role_name: 'Head NOC', hierarchy_order: 1 },
      { role_code: 'RTH_HEAD', role_name: 'RTH', hierarchy_order: 2 },
      ...m.roles.filter((r) => !['HEAD_NOC', 'RTH'].includes(r.role_code)),
    ];
    m.policies = [{ policy_key: 'L1', scope_code: 'SCOPE_0', vendor_code: '', atp_category: 'BOTH' }];
    m.stages = [
      {
        policy_key: 'L1',
        stage_number: 1,
        stage_name: 'HEAD_NOC_REVIEW',
        role_code: 'NOC_HEAD',
        sequence_order: 1,
        sla_hours: 24,
      },
    ];
    const v = await importFile('APPROVAL_MATRIX', csv(m)).expect(201);
    expect(v.body.report.status).toBe('WARNINGS');
    const snapshot = await http()
      .get(`/api/v1/workspaces/${workspaceId}/config-versions/${v.body.version.id}/snapshot`)
      .set(bearer(actor))
      .expect(200);
    expect(snapshot.body.policies.map((p: { atpCategory: string }) => p.atpCategory).sort()).toEqual([
      'RAN_MW',
      'SOFTWARE_LICENSE',
    ]);
    expect(snapshot.body.roles.map((r: { roleCode: string }) => r.roleCode)).toEqual(
      expect.arrayContaining(['HEAD_NOC', 'RTH']),
    );
    expect(snapshot.body.policyStages.every((s: { roleCode: string }) => s.roleCode === 'HEAD_NOC')).toBe(true);
    await http()
      .delete(`/api/v1/workspaces/${workspaceId}/config-versions/${v.body.version.id}`)
      .set(bearer(actor))
      .expect(204);
  });
});
