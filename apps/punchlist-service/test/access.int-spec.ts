import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import request from 'supertest';
import { listRouteAccess, type WorkspaceRole } from '@atp/platform-auth';
import { superuserClient, sweepRouteAccess, tableRowCounts, uniqueSuffix } from '@atp/testing';
import { PunchlistHarness } from './support/punchlist-harness';

/**
 * Issue 7's sweep over every punchlist-service route: bad tokens 401, strangers 404, missing roles 403, nothing
 * written.
 */
const harness = new PunchlistHarness();
const suffix = uniqueSuffix();
const workspaceId = randomUUID();
const user = (role: string) => `pacc-${role.toLowerCase()}-${suffix}`;
const members: Record<WorkspaceRole, string> = {
  WORKSPACE_ADMIN: user('WORKSPACE_ADMIN'),
  DOC_CONTROL: user('DOC_CONTROL'),
  QA_ENGINEER: user('QA_ENGINEER'),
  APPROVER: user('APPROVER'),
  AUDITOR: user('AUDITOR'),
};
const outsider = user('outsider');
let admin: Client;

beforeAll(async () => {
  await harness.start();
  await harness.addMembers(
    workspaceId,
    Object.entries(members).map(([role, userId]) => [userId, role as WorkspaceRole]),
  );
  await harness.addMembers(randomUUID(), [[outsider, 'WORKSPACE_ADMIN']]);
  admin = await superuserClient(process.env.PUNCHLIST_DATABASE_URL as string);
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await harness.stop();
});

it('refuses every route to bad tokens (401), strangers (404) and roles the declaration leaves out (403), writing nothing', async () => {
  const { checks } = await sweepRouteAccess(harness.app, {
    routes: listRouteAccess(harness.app),
    workspaceId,
    members,
    outsider,
    rowCounts: () => tableRowCounts(async (sql) => (await admin.query(sql)).rows),
  });
  expect(checks).toContain(
    'POST /api/v1/workspaces/:workspaceId/punchlists/:punchlistId/items/:itemId/rectify QA_ENGINEER → 403',
  );
  expect(checks).toContain(
    'POST /api/v1/workspaces/:workspaceId/punchlists/:punchlistId/items/:itemId/verify DOC_CONTROL → 403',
  );
  expect(checks).toContain(
    'POST /api/v1/workspaces/:workspaceId/punchlists/:punchlistId/items/:itemId/close QA_ENGINEER → 403',
  );
  expect(checks).toContain('GET /api/v1/workspaces/:workspaceId/punchlists member of another workspace → 404');
}, 120_000);

it('ignores X-User-Id', async () => {
  await request(harness.app.getHttpServer())
    .get(`/api/v1/workspaces/${workspaceId}/punchlists`)
    .set('x-user-id', members.AUDITOR)
    .expect(401);
});
