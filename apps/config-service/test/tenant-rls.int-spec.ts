import type { INestApplication } from '@nestjs/common';
import type { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { runInWorkspace } from '@atp/platform-database';
import { PLATFORM_SCOPE } from '@atp/platform-http';
import { bearer, PLATFORM_ADMIN, uniqueSuffix } from '@atp/testing';
import { TENANT_TABLES } from '../src/database/migrations/1765200000010-tenant-rls';
import { withOwnMemberships } from '../src/directory/own-memberships';
import { sql, startApp } from './support';

jest.setTimeout(60_000);

/**
 * Row-level security as the backstop (issue 7, architecture §7) in config-service: code that forgets its workspace
 * filter sees only its own workspace's rows, unscoped code sees none, a write for another workspace is refused; the
 * platform routes (create a workspace, list the caller's workspaces, read a user) still work under it.
 */
let app: INestApplication;
let db: Client;
let dataSource: DataSource;
const suffix = uniqueSuffix();
const both = `rls-both-${suffix}`;
const onlyFirst = `rls-first-${suffix}`;
const onlySecond = `rls-second-${suffix}`;
let first: string;
let second: string;
const http = () => request(app.getHttpServer());

const createUser = (id: string) =>
  http()
    .post('/api/v1/users')
    .set(bearer('rls-platform-admin', PLATFORM_ADMIN))
    .set('idempotency-key', `user-${id}`)
    .send({ id, email: `${id}@example.test`, fullName: id })
    .expect(201);
const createWorkspace = async (creator: string, code: string) =>
  (
    await http()
      .post('/api/v1/workspaces')
      .set(bearer(creator, PLATFORM_ADMIN))
      .set('idempotency-key', `ws-${code}`)
      .send({ code, name: code, customerGroupId: 'C', vendorOwnerId: 'V' })
      .expect(201)
  ).body.workspaceId as string;
const addMember = (workspaceId: string, admin: string, userId: string) =>
  http()
    .post(`/api/v1/workspaces/${workspaceId}/members`)
    .set(bearer(admin))
    .send({ userId, role: 'AUDITOR' })
    .expect(201);
const putSite = (workspaceId: string, admin: string, siteCode: string) =>
  http()
    .put(`/api/v1/workspaces/${workspaceId}/sites`)
    .set(bearer(admin))
    .send({ siteCode, siteName: siteCode })
    .expect(200);

beforeAll(async () => {
  app = await startApp();
  db = await sql();
  dataSource = app.get(DataSource);
  for (const id of [both, onlyFirst, onlySecond]) await createUser(id);
  // Through the platform route (idempotency key kept under the nil UUID, the creator's membership in the new scope).
  first = await createWorkspace(onlyFirst, `RLS-A-${suffix}`.toUpperCase());
  second = await createWorkspace(onlySecond, `RLS-B-${suffix}`.toUpperCase());
  await addMember(first, onlyFirst, both);
  await addMember(second, onlySecond, both);
  await putSite(first, onlyFirst, `RLS-S1-${suffix}`);
  await putSite(second, onlySecond, `RLS-S2-${suffix}`);
});

afterAll(async () => {
  await db?.end();
  await app?.close();
});

it('forces a tenant_isolation policy on every table with a workspace_id', async () => {
  const { rows } = await db.query(
    `SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
            EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation') AS policy
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped)
      ORDER BY 1`,
  );
  // The orphan audit log is the one exception (see the migration): a run over every workspace is a row of none.
  const tenant = (rows as Array<{ table: string; enabled: boolean; forced: boolean; policy: boolean }>).filter(
    (t) => t.table !== 'data_integrity_audit_log',
  );
  expect(tenant.map((t) => t.table)).toEqual([...TENANT_TABLES].sort());
  expect(tenant.filter((t) => !(t.enabled && t.forced && t.policy))).toEqual([]);
  // The only other policies: read-only own memberships, and the platform routes' idempotency keys.
  const { rows: others } = await db.query(
    `SELECT c.relname AS table, p.polname AS policy, p.polcmd AS command FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
      WHERE p.polname <> 'tenant_isolation' ORDER BY 1, 2`,
  );
  expect(others).toEqual([
    { table: 'idempotency_keys', policy: 'platform_keys', command: '*' },
    { table: 'workspace_members', policy: 'own_memberships', command: 'r' },
  ]);
});

it('shows a query without a workspace filter only the rows of its scope, and unscoped code nothing', async () => {
  const forgetful = () =>
    dataSource.query(`SELECT DISTINCT workspace_id FROM sites WHERE site_code LIKE $1`, [`RLS-S%-${suffix}`]);
  expect(await runInWorkspace(first, forgetful)).toEqual([{ workspace_id: first }]);
  expect(await runInWorkspace(second, forgetful)).toEqual([{ workspace_id: second }]);
  expect(await forgetful()).toEqual([]);
  const members = () =>
    dataSource.query(`SELECT DISTINCT workspace_id FROM workspace_members WHERE user_id = $1`, [both]);
  expect(await runInWorkspace(first, members)).toEqual([{ workspace_id: first }]);
  expect(await members()).toEqual([]);
});

it("refuses a write for another workspace than the scope's, and one outside any scope", async () => {
  const write = () =>
    dataSource.query(`INSERT INTO sites (workspace_id, site_code, site_name) VALUES ($1, $2, 'intruder')`, [
      second,
      `RLS-X-${suffix}`,
    ]);
  await expect(runInWorkspace(first, write)).rejects.toThrow(/row-level security/);
  await expect(write()).rejects.toThrow(/row-level security/);
  const moved = (await runInWorkspace(first, () =>
    dataSource.query(
      `UPDATE workspace_members SET status = 'INACTIVE' WHERE workspace_id = $1 AND user_id = $2 RETURNING id`,
      [second, both],
    ),
  )) as [unknown[], number];
  expect(moved[1]).toBe(0);
  expect((await db.query(`SELECT 1 FROM sites WHERE site_code = $1`, [`RLS-X-${suffix}`])).rows).toEqual([]);
  expect(
    (await db.query(`SELECT status FROM workspace_members WHERE workspace_id = $1 AND user_id = $2`, [second, both]))
      .rows,
  ).toEqual([{ status: 'ACTIVE' }]);
});

it("shows one user's memberships across workspaces, and no one else's, to a query that forgets its user filter", async () => {
  const forgetful = (manager: { query: DataSource['query'] }) =>
    manager.query(
      `SELECT DISTINCT user_id, workspace_id FROM workspace_members WHERE workspace_id = ANY($1::uuid[]) ORDER BY 2`,
      [[first, second]],
    );
  expect(await withOwnMemberships(dataSource, both, forgetful)).toEqual(
    [
      { user_id: both, workspace_id: first },
      { user_id: both, workspace_id: second },
    ].sort((a, b) => a.workspace_id.localeCompare(b.workspace_id)),
  );
  // Read-only: the policy lets no write through.
  await expect(
    withOwnMemberships(dataSource, both, (manager) =>
      manager.query(`UPDATE workspace_members SET status = 'INACTIVE' WHERE user_id = $1 RETURNING id`, [both]),
    ),
  ).resolves.toEqual([[], 0]);
});

it("lists the caller's own workspaces and shows co-members only, under RLS", async () => {
  const mine = await http().get('/api/v1/workspaces').set(bearer(both)).expect(200);
  expect((mine.body.items as Array<{ workspaceId: string }>).map((w) => w.workspaceId).sort()).toEqual(
    [first, second].sort(),
  );
  const theirs = await http().get('/api/v1/workspaces').set(bearer(onlyFirst)).expect(200);
  expect((theirs.body.items as Array<{ workspaceId: string }>).map((w) => w.workspaceId)).toEqual([first]);
  await http().get(`/api/v1/users/${onlySecond}`).set(bearer(both)).expect(200);
  await http().get(`/api/v1/users/${onlySecond}`).set(bearer(onlyFirst)).expect(404);
});

it("keeps the platform routes' idempotency keys under the nil UUID, replayable outside any workspace", async () => {
  const code = `RLS-A-${suffix}`.toUpperCase();
  const replay = await http()
    .post('/api/v1/workspaces')
    .set(bearer(onlyFirst, PLATFORM_ADMIN))
    .set('idempotency-key', `ws-${code}`)
    .send({ code, name: code, customerGroupId: 'C', vendorOwnerId: 'V' })
    .expect(201);
  expect(replay.body.workspaceId).toBe(first);
  const { rows } = await db.query(`SELECT workspace_id FROM idempotency_keys WHERE idempotency_key = $1`, [
    `ws-${code}`,
  ]);
  expect(rows).toEqual([{ workspace_id: PLATFORM_SCOPE }]);
});
