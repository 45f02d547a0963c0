import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import request from 'supertest';
import { superuserClient, uniqueSuffix } from '@atp/testing';
import { PunchlistHarness } from './support/punchlist-harness';

/**
 * The contract's "Integrity" endpoints on a real service (the audit itself is covered for every service in
 * libs/platform/integrity/test): an auditor runs the workspace's audit and reads it back, with the orphans
 * written straight into the database counted exactly.
 */
const harness = new PunchlistHarness();
const workspaceId = randomUUID();
const auditor = `u-auditor-${uniqueSuffix()}`;
const admin = `u-admin-${uniqueSuffix()}`;
const base = `/api/v1/workspaces/${workspaceId}/integrity`;
let db: Client;

beforeAll(async () => {
  await harness.start();
  await harness.addMembers(workspaceId, [
    [auditor, 'AUDITOR'],
    [admin, 'WORKSPACE_ADMIN'],
  ]);
  db = await superuserClient(process.env.PUNCHLIST_DATABASE_URL as string);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await harness.stop();
});

it('runs the audit on request and reads the latest back, counting orphans per check', async () => {
  // A new workspace has no audit of its own; a run over every workspace (another test file's, in this shared
  // test database) also counts as its latest, so NO_AUDIT_YET is expected only when there is none.
  const none = await request(harness.http())
    .get(`${base}/punchlist/audits/latest`)
    .set(await harness.auth(auditor));
  const globalRuns = (
    await db.query(`SELECT count(*)::int AS n FROM data_integrity_audit_log WHERE workspace_id IS NULL`)
  ).rows[0].n;
  if (globalRuns === 0) {
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('NO_AUDIT_YET');
  } else {
    expect([none.status, none.body]).toMatchObject([200, { workspaceId: null, totalOrphans: 0 }]);
  }

  // A punchlist naming a workflow this service never heard of (written past the foreign key, as a bad restore would).
  await db.query(`SET session_replication_role = replica`);
  await db.query(
    `INSERT INTO punchlists (workspace_id, workflow_instance_id, workflow_stage_id, submission_id, origin, issued_by, issued_at,
       source_event_id, last_progress_at)
     VALUES ($1, $2, $3, 'sub-x', 'REJECTED', 'u-x', now(), gen_random_uuid(), now())`,
    [workspaceId, `wf-${uniqueSuffix()}`, `st-${uniqueSuffix()}`],
  );
  await db.query(`SET session_replication_role = DEFAULT`);

  const ran = await request(harness.http())
    .post(`${base}/punchlist/audits`)
    .set(await harness.auth(auditor))
    .send({});
  expect(ran.status).toBe(201);
  expect(ran.body).toMatchObject({
    service: 'punchlist',
    workspaceId,
    trigger: 'REQUEST',
    totalOrphans: 3,
    healthStatus: 'DATA INTEGRITY ISSUES DETECTED',
    counts: {
      'punchlist.punchlists.workflow_instance_id': 1,
      'punchlist.punchlists.workspace_id': 1,
      'punchlist.punchlists.submission_id': 1,
    },
  });
  expect(ran.body.checks.find((c: { domainCheck: number | null }) => c.domainCheck === 7)).toMatchObject({
    count: 1,
    severity: 'WARNING',
  });

  const latest = await request(harness.http())
    .get(`${base}/punchlist/audits/latest`)
    .set(await harness.auth(admin));
  expect(latest.status).toBe(200);
  expect(latest.body).toMatchObject({ auditId: ran.body.auditId, totalOrphans: 3 });
});

it("answers 404 for another service's segment (the gateway routes by it)", async () => {
  const wrong = await request(harness.http())
    .post(`${base}/workflow/audits`)
    .set(await harness.auth(auditor))
    .send({});
  expect(wrong.status).toBe(404);
  expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
});
