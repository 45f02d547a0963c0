import { randomUUID } from 'node:crypto';
import { runInWorkspace } from '@atp/platform-database';
import { MessagingMetrics } from '@atp/platform-messaging';
import { uniqueSuffix } from '@atp/testing';
import { TENANT_TABLES } from '../src/database/migrations/1764200000020-tenant-rls';
import { WorkflowHarness } from './support/workflow-harness';

jest.setTimeout(120_000);

/**
 * Row-level security as the backstop (issue 7, architecture §7): code that forgets its workspace filter sees
 * only its own workspace's rows, unscoped code sees none, and a write for another workspace is refused.
 */
const harness = new WorkflowHarness();
const first = randomUUID();
const second = randomUUID();
const suffix = uniqueSuffix();

beforeAll(async () => {
  await harness.start();
  // Written by the real consumer, each in its event's workspace scope; both in one fetch, so in one chunk
  // most of the time (a chunk switches the transaction's workspace between events).
  for (let i = 0; i < 5; i++) {
    await harness.addMember(first, `rls-a${i}-${suffix}`);
    await harness.addMember(second, `rls-b${i}-${suffix}`);
  }
  await harness.waitForMembers(first, 5);
  await harness.waitForMembers(second, 5);
});

afterAll(() => harness.stop());

const forgetfulQuery = () =>
  harness.dataSource.query(`SELECT DISTINCT workspace_id FROM member_replica`) as Promise<
    Array<{ workspace_id: string }>
  >;

it('forces a tenant_isolation policy on every table with a workspace_id', async () => {
  const tables = (await harness.query(
    `SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
            EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation') AS policy
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped)
      ORDER BY 1`,
  )) as Array<{ table: string; enabled: boolean; forced: boolean; policy: boolean }>;
  // The orphan audit log is the one exception: a run over every workspace is one row without a workspace, which
  // every workspace's GET …/audits/latest reads (narrowed to its own counts); it holds counts, no tenant data.
  const exempt = ['data_integrity_audit_log'];
  const tenant = tables.filter((t) => !exempt.includes(t.table));
  expect(tenant.map((t) => t.table)).toEqual([...TENANT_TABLES].sort());
  expect(tenant.filter((t) => !(t.enabled && t.forced && t.policy))).toEqual([]);
});

it('shows a query without a workspace filter only the rows of its scope, and unscoped code nothing', async () => {
  expect(await runInWorkspace(first, forgetfulQuery)).toEqual([{ workspace_id: first }]);
  expect(await runInWorkspace(second, forgetfulQuery)).toEqual([{ workspace_id: second }]);
  expect(await forgetfulQuery()).toEqual([]);
});

it('applies a chunk of events of several workspaces in one transaction, without falling back to one at a time', async () => {
  const metric = await harness.app.get(MessagingMetrics).chunkFailures.get();
  const failures = metric.values.filter((v) => v.labels.consumer === 'workflow-service.reference-replica');
  expect(failures.reduce((sum, v) => sum + v.value, 0)).toBe(0);
});

it("refuses a write for another workspace than the scope's", async () => {
  const write = () =>
    harness.dataSource.query(
      `INSERT INTO member_replica (membership_id, workspace_id, user_id, role, is_active) VALUES ($1, $2, 'intruder', 'APPROVER', true)`,
      [`m-rls-${suffix}`, second],
    );
  await expect(runInWorkspace(first, write)).rejects.toThrow(/row-level security/);
  await expect(write()).rejects.toThrow(/row-level security/);
  expect(await harness.query(`SELECT 1 FROM member_replica WHERE membership_id = $1`, [`m-rls-${suffix}`])).toEqual([]);
});
