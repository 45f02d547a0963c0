import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import request from 'supertest';
import { MembershipUpdatedV1 } from '@atp/contracts';
import { listRouteAccess, type WorkspaceRole } from '@atp/platform-auth';
import { bearer, superuserClient, sweepRouteAccess, tableRowCounts, uniqueSuffix, waitFor } from '@atp/testing';
import { WorkflowHarness } from './support/workflow-harness';

/**
 * Issue 7 in workflow-service: every route refuses bad tokens, strangers and missing roles without
 * writing anything, and access follows the member replica (a revoked membership stops working once its
 * event is applied, without any call to config-service).
 */
const harness = new WorkflowHarness();
const suffix = uniqueSuffix();
const workspaceId = randomUUID();
const otherWorkspaceId = randomUUID();
const user = (role: string) => `wacc-${role.toLowerCase()}-${suffix}`;
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
  for (const [role, userId] of Object.entries(members))
    await harness.addMember(workspaceId, userId, role as WorkspaceRole);
  await harness.addMember(otherWorkspaceId, outsider, 'WORKSPACE_ADMIN');
  await harness.waitForMembers(workspaceId, 5);
  await harness.waitForMembers(otherWorkspaceId, 1);
  admin = await superuserClient(process.env.WORKFLOW_DATABASE_URL as string);
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await harness.stop();
}, 60_000);

it('refuses every route to bad tokens (401), strangers (404) and roles the declaration leaves out (403), writing nothing', async () => {
  const { checks } = await sweepRouteAccess(harness.app, {
    routes: listRouteAccess(harness.app),
    workspaceId,
    members,
    outsider,
    rowCounts: () => tableRowCounts(async (sql) => (await admin.query(sql)).rows),
  });
  expect(checks).toContain('POST /api/v1/workspaces/:workspaceId/workflows/:workflowId/hold DOC_CONTROL → 403');
  expect(checks).toContain('POST /api/v1/workspaces/:workspaceId/overrides/:overrideId/approve APPROVER → 403');
  expect(checks).toContain('GET /api/v1/workspaces/:workspaceId/workflows/:workflowId DOC_CONTROL → 403');
}, 120_000);

it('ignores X-User-Id', async () => {
  await request(harness.app.getHttpServer())
    .get(`/api/v1/workspaces/${workspaceId}/inbox`)
    .set('x-user-id', members.WORKSPACE_ADMIN)
    .expect(401);
});

it('a revoked member loses access once the membership event is applied, though the guard caches its answers', async () => {
  const inbox = () =>
    request(harness.app.getHttpServer()).get(`/api/v1/workspaces/${workspaceId}/inbox`).set(bearer(members.AUDITOR));
  expect((await inbox()).status).toBe(200);
  const membershipId = `m-${workspaceId}-${members.AUDITOR}-AUDITOR`;
  await harness.produce(MembershipUpdatedV1, workspaceId, membershipId, {
    membershipId,
    workspaceId,
    userId: members.AUDITOR,
    role: 'AUDITOR',
    status: 'INACTIVE',
  });
  await waitFor(
    async () => {
      const rows = await harness.query(`SELECT is_active FROM member_replica WHERE membership_id = $1`, [membershipId]);
      return rows[0]?.is_active === false;
    },
    { what: 'the revocation in the member replica' },
  );
  const refused = await inbox();
  expect(refused.status).toBe(404);
  expect(refused.body.code).toBe('NOT_FOUND');
});
