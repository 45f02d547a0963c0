import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Client } from 'pg';
import { uniqueSuffix, bearer, PLATFORM_ADMIN } from '@atp/testing';
import { scopeConfigFile, sql, startApp } from './support';

/** Idempotency-Key on the creating/deciding POSTs: replay, reuse refused, work done once, races resolved. */
describe('config-service: Idempotency-Key', () => {
  let app: INestApplication;
  let db: Client;
  let workspaceId: string;
  const salt = uniqueSuffix();
  const actor = `u-idem-${salt}`;
  const http = () => request(app.getHttpServer());
  const key = (name: string) => `${name}-${salt}`;
  const versions = async () =>
    (
      await db.query(`SELECT id, status FROM config_versions WHERE workspace_id = $1 ORDER BY version_number`, [
        workspaceId,
      ])
    ).rows;
  const importFile = (file: Buffer, idempotencyKey?: string, sourceType = 'SCOPE_CONFIG') => {
    const req = http().post(`/api/v1/workspaces/${workspaceId}/config-versions/import`).set(bearer(actor));
    if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey);
    return req.field('sourceType', sourceType).attach('file', file, 'scopes.csv');
  };

  beforeAll(async () => {
    app = await startApp();
    db = await sql();
    await http()
      .post('/api/v1/users')
      .set(bearer('bootstrap', PLATFORM_ADMIN))
      .send({ id: actor, email: `${actor}@example.test`, fullName: 'Idem admin' })
      .expect(201);
    const ws = await http()
      .post('/api/v1/workspaces')
      .set(bearer(actor, PLATFORM_ADMIN))
      .set('Idempotency-Key', key('ws'))
      .send({ code: `IDEM-${salt.toUpperCase()}`, name: 'Idempotency', customerGroupId: 'cg', vendorOwnerId: 'vo' })
      .expect(201);
    workspaceId = ws.body.workspaceId;
  }, 30000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('replays an import with the same key and file, writing one version; another file under the key is 422', async () => {
    const file = scopeConfigFile(2, salt);
    const first = await importFile(file, key('import')).expect(201);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    const again = await importFile(file, key('import')).expect(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await versions()).toHaveLength(1);
    // Without the key, the same file is the duplicate it is.
    expect((await importFile(file)).body.code).toBe('DUPLICATE_FILE');

    const reused = await importFile(scopeConfigFile(3, salt), key('import'));
    expect(reused.status).toBe(422);
    expect(reused.headers['content-type']).toContain('application/problem+json');
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await versions()).toHaveLength(1);
    const stored = await db.query(
      `SELECT response_status, response_body FROM idempotency_keys WHERE workspace_id = $1 AND caller_id = $2 AND idempotency_key = $3`,
      [workspaceId, actor, key('import')],
    );
    expect(stored.rows[0].response_status).toBe(201);
    expect(stored.rows[0].response_body).toEqual(first.body);
    // Written by the import's own transaction: now() is the transaction's start, the same in both rows.
    const sameTransaction = await db.query(
      `SELECT k.created_at = v.created_at AS same FROM idempotency_keys k, config_versions v WHERE k.workspace_id = $1 AND k.idempotency_key = $2 AND v.id = $3`,
      [workspaceId, key('import'), first.body.version.id],
    );
    expect(sameTransaction.rows[0].same).toBe(true);
  });

  it('replays activate and rollback (200 / 201) without doing them twice', async () => {
    const [draft] = await versions();
    const activate = () =>
      http()
        .post(`/api/v1/workspaces/${workspaceId}/config-versions/${draft.id}/activate`)
        .set(bearer(actor))
        .set('Idempotency-Key', key('activate'));
    const a1 = await activate().expect(200);
    const a2 = await activate().expect(200);
    expect(a2.body).toEqual(a1.body);
    expect(a2.headers['idempotency-replayed']).toBe('true');
    // Without a key, activating again is refused: the replay above really did not run the transition.
    await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/${draft.id}/activate`)
      .set(bearer(actor))
      .expect(409);

    const v2 = await importFile(scopeConfigFile(4, salt)).expect(201);
    await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/${v2.body.version.id}/activate`)
      .set(bearer(actor))
      .expect(200);
    const rollback = () =>
      http()
        .post(`/api/v1/workspaces/${workspaceId}/config-versions/${draft.id}/rollback`)
        .set(bearer(actor))
        .set('Idempotency-Key', key('rollback'));
    const r1 = await rollback().expect(201);
    const r2 = await rollback().expect(201);
    expect(r2.body).toEqual(r1.body);
    expect((await versions()).map((v) => v.status)).toEqual(['SUPERSEDED', 'SUPERSEDED', 'ACTIVE']);
  });

  it('does not store a refused request: a retry under the same key runs again', async () => {
    const members = () =>
      http().post(`/api/v1/workspaces/${workspaceId}/members`).set(bearer(actor)).set('Idempotency-Key', key('member'));
    const missingUser = `u-later-${salt}`;
    expect((await members().send({ userId: missingUser, role: 'APPROVER' })).status).toBe(422);
    await http()
      .post('/api/v1/users')
      .set(bearer(actor, PLATFORM_ADMIN))
      .send({ id: missingUser, email: `${missingUser}@example.test`, fullName: 'Later' })
      .expect(201);
    const created = await members().send({ userId: missingUser, role: 'APPROVER' }).expect(201);
    const replayed = await members().send({ role: 'APPROVER', userId: missingUser }).expect(201); // field order does not matter
    expect(replayed.body).toEqual(created.body);
    expect((await members().send({ userId: missingUser, role: 'AUDITOR' })).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM workspace_members WHERE workspace_id = $1 AND user_id = $2`,
      [workspaceId, missingUser],
    );
    expect(rows[0].n).toBe(1);
  });

  it('keeps platform-wide keys (users, workspaces) apart from workspace keys, and validates the header', async () => {
    const user = { id: `u-idem-2-${salt}`, email: `u-idem-2-${salt}@example.test`, fullName: 'Second' };
    const u1 = await http()
      .post('/api/v1/users')
      .set(bearer(actor, PLATFORM_ADMIN))
      .set('Idempotency-Key', key('import'))
      .send(user)
      .expect(201);
    const u2 = await http()
      .post('/api/v1/users')
      .set(bearer(actor, PLATFORM_ADMIN))
      .set('Idempotency-Key', key('import'))
      .send(user)
      .expect(201);
    expect(u2.body).toEqual(u1.body);
    const ws = await http()
      .post('/api/v1/workspaces')
      .set(bearer(actor, PLATFORM_ADMIN))
      .set('Idempotency-Key', key('ws'))
      .send({ code: `IDEM-${salt.toUpperCase()}`, name: 'Idempotency', customerGroupId: 'cg', vendorOwnerId: 'vo' })
      .expect(201);
    expect(ws.body.workspaceId).toBe(workspaceId);
    const bad = await http()
      .post('/api/v1/users')
      .set(bearer(actor, PLATFORM_ADMIN))
      .set('Idempotency-Key', 'x'.repeat(201))
      .send(user);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('scopes keys per caller: another user with the same key and body gets an answer of their own', async () => {
    const other = `u-idem-other-${salt}`;
    await http()
      .post('/api/v1/users')
      .set(bearer(actor, PLATFORM_ADMIN))
      .send({ id: other, email: `${other}@example.test`, fullName: 'Other' })
      .expect(201);
    const body = (id: string) => ({ id, email: `${id}@example.test`, fullName: 'Scoped' });
    const mine = await http()
      .post('/api/v1/users')
      .set(bearer(actor, PLATFORM_ADMIN))
      .set('Idempotency-Key', key('shared'))
      .send(body(`u-a-${salt}`))
      .expect(201);
    const theirs = await http()
      .post('/api/v1/users')
      .set(bearer(other, PLATFORM_ADMIN))
      .set('Idempotency-Key', key('shared'))
      .send(body(`u-b-${salt}`))
      .expect(201);
    expect(theirs.headers['idempotency-replayed']).toBeUndefined();
    expect([mine.body.userId, theirs.body.userId]).toEqual([`u-a-${salt}`, `u-b-${salt}`]);
    const { rows } = await db.query(
      `SELECT caller_id FROM idempotency_keys WHERE idempotency_key = $1 ORDER BY caller_id`,
      [key('shared')],
    );
    expect(rows.map((r) => r.caller_id)).toEqual([actor, other].sort());
  });

  it('answers concurrent requests with one key once: one import, the same answer for all', async () => {
    const file = scopeConfigFile(5, `${salt}-race`);
    const before = (await versions()).length;
    const answers = await Promise.all(Array.from({ length: 5 }, () => importFile(file, key('race'))));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
    expect((await versions()).length).toBe(before + 1);
  });
});
