import type { INestApplication } from '@nestjs/common';
import type { Client } from 'pg';
import request from 'supertest';
import { listRouteAccess, type WorkspaceRole } from '@atp/platform-auth';
import { bearer, PLATFORM_ADMIN, superuserClient, sweepRouteAccess, tableRowCounts, uniqueSuffix } from '@atp/testing';
import { databaseUrl, startApp } from './support';

/**
 * Issue 7: who may call what in config-service, enumerated from the application itself, and the
 * escalation chain of the review (a DOC_CONTROL member making itself WORKSPACE_ADMIN) closed.
 */
describe('config-service access', () => {
  let app: INestApplication;
  let admin: Client;
  const suffix = uniqueSuffix();
  const user = (role: string) => `acc-${role.toLowerCase()}-${suffix}`;
  const members: Record<WorkspaceRole, string> = {
    WORKSPACE_ADMIN: user('WORKSPACE_ADMIN'),
    DOC_CONTROL: user('DOC_CONTROL'),
    QA_ENGINEER: user('QA_ENGINEER'),
    APPROVER: user('APPROVER'),
    AUDITOR: user('AUDITOR'),
  };
  const outsider = user('outsider');
  let workspaceId: string;
  let otherWorkspaceId: string;
  const http = () => request(app.getHttpServer());

  const createUser = (id: string) =>
    http()
      .post('/api/v1/users')
      .set(bearer('acc-platform-admin', PLATFORM_ADMIN))
      .send({ id, email: `${id}@example.test`, fullName: id })
      .expect(201);
  const createWorkspace = async (creator: string, code: string) =>
    (
      await http()
        .post('/api/v1/workspaces')
        .set(bearer(creator, PLATFORM_ADMIN))
        .send({ code, name: code, customerGroupId: 'C', vendorOwnerId: 'V' })
        .expect(201)
    ).body.workspaceId as string;

  beforeAll(async () => {
    app = await startApp();
    admin = await superuserClient(databaseUrl());
    for (const id of [...Object.values(members), outsider]) await createUser(id);
    workspaceId = await createWorkspace(members.WORKSPACE_ADMIN, `ACC-A-${suffix}`.toUpperCase());
    otherWorkspaceId = await createWorkspace(outsider, `ACC-B-${suffix}`.toUpperCase());
    for (const role of ['DOC_CONTROL', 'QA_ENGINEER', 'APPROVER', 'AUDITOR'] as const) {
      await http()
        .post(`/api/v1/workspaces/${workspaceId}/members`)
        .set(bearer(members.WORKSPACE_ADMIN))
        .send({ userId: members[role], role })
        .expect(201);
    }
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await app?.close();
  });

  it('refuses every route to bad tokens (401), strangers (404) and roles the declaration leaves out (403), writing nothing', async () => {
    const { checks } = await sweepRouteAccess(app, {
      routes: listRouteAccess(app),
      workspaceId,
      members,
      outsider,
      rowCounts: () => tableRowCounts(async (sql) => (await admin.query(sql)).rows),
    });
    expect(checks.length).toBeGreaterThan(150);
    expect(checks).toContain(`POST /api/v1/workspaces/:workspaceId/members DOC_CONTROL → 403`);
    expect(checks).toContain(`POST /api/v1/workspaces token without the platform role → 403`);
  }, 120_000);

  it('ignores X-User-Id: a header naming an admin is no identity', async () => {
    const response = await http()
      .get(`/api/v1/workspaces/${workspaceId}/members`)
      .set('x-user-id', members.WORKSPACE_ADMIN)
      .expect(401);
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses DOC_CONTROL making itself WORKSPACE_ADMIN; a WORKSPACE_ADMIN still manages members', async () => {
    const membersOf = async () =>
      (
        await admin.query(
          `SELECT user_id, role, status FROM workspace_members WHERE workspace_id = $1 ORDER BY user_id, role`,
          [workspaceId],
        )
      ).rows;
    const before = await membersOf();
    const escalation = await http()
      .post(`/api/v1/workspaces/${workspaceId}/members`)
      .set(bearer(members.DOC_CONTROL))
      .send({ userId: members.DOC_CONTROL, role: 'WORKSPACE_ADMIN' })
      .expect(403);
    expect(escalation.body).toMatchObject({ code: 'ROLE_REQUIRED', requiredRoles: ['WORKSPACE_ADMIN'] });
    expect(await membersOf()).toEqual(before);

    const granted = await http()
      .post(`/api/v1/workspaces/${workspaceId}/members`)
      .set(bearer(members.WORKSPACE_ADMIN))
      .send({ userId: members.AUDITOR, role: 'QA_ENGINEER' })
      .expect(201);
    await http()
      .patch(`/api/v1/workspaces/${workspaceId}/members/${granted.body.membershipId}`)
      .set(bearer(members.WORKSPACE_ADMIN))
      .send({ status: 'INACTIVE' })
      .expect(200);
  });

  it('refuses a revoked member and a suspended user at the next request, though the guard caches its answers', async () => {
    const list = (userId: string) => http().get(`/api/v1/workspaces/${workspaceId}/members`).set(bearer(userId));
    const [revoked, suspended] = [`acc-revoked-${suffix}`, `acc-suspended-${suffix}`];
    const memberships: string[] = [];
    for (const id of [revoked, suspended]) {
      await createUser(id);
      const added = await http()
        .post(`/api/v1/workspaces/${workspaceId}/members`)
        .set(bearer(members.WORKSPACE_ADMIN))
        .send({ userId: id, role: 'AUDITOR' })
        .expect(201);
      memberships.push(added.body.membershipId as string);
      await list(id).expect(200); // the answer is cached now
    }
    await http()
      .patch(`/api/v1/workspaces/${workspaceId}/members/${memberships[0]}`)
      .set(bearer(members.WORKSPACE_ADMIN))
      .send({ status: 'INACTIVE' })
      .expect(200);
    await list(revoked).expect(404);
    await http()
      .patch(`/api/v1/users/${suspended}`)
      .set(bearer('acc-platform-admin', PLATFORM_ADMIN))
      .send({ status: 'SUSPENDED' })
      .expect(200);
    await list(suspended).expect(404);
  });

  it('shows a user record (e-mail) to the user, members of a shared workspace and platform admins only', async () => {
    const read = (userId: string, caller: string, roles: string[] = []) =>
      http().get(`/api/v1/users/${userId}`).set(bearer(caller, { roles }));
    expect((await read(members.APPROVER, members.APPROVER)).status).toBe(200);
    expect((await read(members.APPROVER, members.AUDITOR)).body.email).toBe(`${members.APPROVER}@example.test`);
    expect((await read(members.APPROVER, 'acc-platform-admin', ['PLATFORM_ADMIN'])).status).toBe(200);
    const stranger = await read(members.APPROVER, outsider);
    expect(stranger.status).toBe(404);
    expect(stranger.body).not.toHaveProperty('email');
    expect((await read('no-such-user', outsider)).status).toBe(404);
  });

  it("lists the caller's own workspaces with its role there", async () => {
    const mine = await http().get('/api/v1/workspaces').set(bearer(members.AUDITOR)).expect(200);
    expect(mine.body.items).toEqual([
      {
        workspaceId,
        code: `ACC-A-${suffix}`.toUpperCase(),
        name: `ACC-A-${suffix}`.toUpperCase(),
        role: 'AUDITOR',
        roles: ['AUDITOR'],
      },
    ]);
    const theirs = await http().get('/api/v1/workspaces').set(bearer(outsider)).expect(200);
    expect(theirs.body.items.map((w: { workspaceId: string }) => w.workspaceId)).toEqual([otherWorkspaceId]);
  });

  it('keeps one workspace out of another: a member of B reading A gets 404, as for a workspace that does not exist', async () => {
    const foreign = await http()
      .get(`/api/v1/workspaces/${workspaceId}/config-versions`)
      .set(bearer(outsider))
      .expect(404);
    const missing = await http()
      .get(`/api/v1/workspaces/00000000-0000-4000-8000-000000000000/config-versions`)
      .set(bearer(outsider))
      .expect(404);
    expect(foreign.body.code).toBe(missing.body.code);
    await http().get(`/api/v1/workspaces/${otherWorkspaceId}/config-versions`).set(bearer(outsider)).expect(200);
  });
});
