import { runInWorkspace } from '@atp/platform-database';
import { uniqueSuffix } from '@atp/testing';
import { TENANT_TABLES } from '../src/database/migrations/1765200000020-tenant-rls';
import { UploadSweeper } from '../src/sweeper/upload-sweeper.service';
import { SubmissionHarness, type TestWorkspace } from './support/submission-harness';

jest.setTimeout(120_000);

/**
 * Row-level security as the backstop (issue 7, architecture §7) in submission-service: code that forgets its
 * workspace filter sees only its own workspace's rows, unscoped code sees none, a write for another workspace is
 * refused; the replicas are written by the consumers in each event's workspace, the sweeper works across them.
 */
const harness = new SubmissionHarness();
const suffix = uniqueSuffix();
const doc = `u-rls-doc-${suffix}`;
let first: TestWorkspace;
let second: TestWorkspace;
const submissionIds: Record<string, string> = {};

beforeAll(async () => {
  await harness.start();
  // Replicas written by the real consumers, each event in its workspace's scope.
  first = await harness.workspace([[doc, 'DOC_CONTROL']]);
  second = await harness.workspace([[doc, 'DOC_CONTROL']]);
  for (const ws of [first, second]) {
    const created = await harness
      .http()
      .post(`/api/v1/workspaces/${ws.workspaceId}/submissions`)
      .set(await harness.auth(doc))
      .send({ siteCode: ws.siteCode, scopeCode: 'MW_NEW', atpCategory: 'RAN_MW', title: `rls ${suffix}` })
      .expect(201);
    submissionIds[ws.workspaceId] = created.body.id as string;
  }
});

afterAll(() => harness.stop());

it('forces a tenant_isolation policy on every table with a workspace_id', async () => {
  const tables = (await harness.query(
    `SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
            EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation') AS policy
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped)
      ORDER BY 1`,
  )) as Array<{ table: string; enabled: boolean; forced: boolean; policy: boolean }>;
  // The orphan audit log is the one exception (see the migration): a run over every workspace is a row of none.
  const tenant = tables.filter((t) => t.table !== 'data_integrity_audit_log');
  expect(tenant.map((t) => t.table)).toEqual([...TENANT_TABLES].sort());
  expect(tenant.filter((t) => !(t.enabled && t.forced && t.policy))).toEqual([]);
});

it('shows a query without a workspace filter only the rows of its scope, and unscoped code nothing', async () => {
  const forgetful = () =>
    harness.dataSource.query(`SELECT workspace_id, id FROM atp_submissions WHERE title = $1`, [`rls ${suffix}`]);
  for (const ws of [first, second]) {
    expect(await runInWorkspace(ws.workspaceId, forgetful)).toEqual([
      { workspace_id: ws.workspaceId, id: submissionIds[ws.workspaceId] },
    ]);
  }
  expect(await forgetful()).toEqual([]);
  const replica = () =>
    harness.dataSource.query(`SELECT DISTINCT workspace_id FROM member_replica WHERE user_id = $1`, [doc]);
  expect(await runInWorkspace(first.workspaceId, replica)).toEqual([{ workspace_id: first.workspaceId }]);
  expect(await replica()).toEqual([]);
});

it('answers 404 for a submission of another workspace, even to a member of both', async () => {
  await harness
    .http()
    .get(`/api/v1/workspaces/${first.workspaceId}/submissions/${submissionIds[second.workspaceId]}`)
    .set(await harness.auth(doc))
    .expect(404);
});

it("refuses a write for another workspace than the scope's, and one outside any scope", async () => {
  const key = `rls-intent-${suffix}`;
  const write = () =>
    harness.dataSource.query(`INSERT INTO blob_upload_intents (blob_key, workspace_id) VALUES ($1, $2)`, [
      key,
      second.workspaceId,
    ]);
  await expect(runInWorkspace(first.workspaceId, write)).rejects.toThrow(/row-level security/);
  await expect(write()).rejects.toThrow(/row-level security/);
  const hidden = (await runInWorkspace(first.workspaceId, () =>
    harness.dataSource.query(`UPDATE atp_submissions SET title = 'moved' WHERE id = $1`, [
      submissionIds[second.workspaceId],
    ]),
  )) as [unknown[], number];
  expect(hidden[1]).toBe(0);
  expect(await harness.query(`SELECT 1 FROM blob_upload_intents WHERE blob_key = $1`, [key])).toEqual([]);
  expect(
    await harness.query(`SELECT title FROM atp_submissions WHERE id = $1`, [submissionIds[second.workspaceId]]),
  ).toEqual([{ title: `rls ${suffix}` }]);
});

it('sweeps abandoned uploads of every workspace (the named cross-workspace job)', async () => {
  const keys = [first, second].map((ws) => `submissions/${ws.workspaceId}/rls-abandoned-${suffix}`);
  for (const [i, ws] of [first, second].entries()) {
    await harness.query(
      `INSERT INTO blob_upload_intents (blob_key, workspace_id, started_at) VALUES ($1, $2, now() - interval '1 hour')`,
      [keys[i], ws.workspaceId],
    );
  }
  const result = await harness.app.get(UploadSweeper).sweepOnce(60_000);
  expect(result.abandonedBlobs).toBeGreaterThanOrEqual(2);
  expect(await harness.query(`SELECT blob_key FROM blob_upload_intents WHERE blob_key = ANY($1)`, [keys])).toEqual([]);
});
