import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@atp/platform-database';
import { PLATFORM_SCOPE } from '@atp/platform-http';

/**
 * Row-level security on every tenant table of config-service (architecture §7): a query that forgets its
 * workspace sees and writes nothing of another one. HTTP requests on /workspaces/:workspaceId and Kafka handlers
 * run in their workspace's scope (the platform sets it); the platform routes set it themselves.
 *
 * Outside RLS, on purpose (none of them has a workspace_id):
 * - `workspaces`: the registry of tenants itself. Its rows are read by id behind the membership guard, joined to
 *   the caller's own memberships (GET /workspaces, which the memberships' policy narrows), or by code when a
 *   platform admin creates one (the code is unique across the platform, so the check must see every workspace).
 * - `users`, `platform_role_grants`: platform-wide (a user belongs to several workspaces or none).
 * - `outbox`, `outbox_aggregate_versions`, `inbox`: the relay and the consumers work across workspaces.
 * - `data_integrity_audit_log` has a workspace_id but stays outside: a run over every workspace is one row
 *   without a workspace, which every workspace's GET …/audits/latest reads narrowed to its counts (no tenant data).
 */
export const TENANT_TABLES = [
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
  'submission_pins',
  'idempotency_keys',
] as const;

/** Keys of platform routes (create a workspace, a user) are kept under the nil UUID, which is no tenant's. */
const PLATFORM_KEYS = `(workspace_id = '${PLATFORM_SCOPE}'::uuid)`;

/** One user's memberships in every workspace, for the user the transaction names (directory/own-memberships.ts). */
const OWN_MEMBERSHIPS = `(user_id = NULLIF(current_setting('app.user_id', true), ''))`;

export class TenantRls1765200000010 implements MigrationInterface {
  name = 'TenantRls1765200000010';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) await enableTenantRls(runner, table);
    await runner.query(
      `CREATE POLICY platform_keys ON idempotency_keys USING ${PLATFORM_KEYS} WITH CHECK ${PLATFORM_KEYS}`,
    );
    // Read-only, and only the memberships of the one user the code names (see own-memberships.ts).
    await runner.query(`CREATE POLICY own_memberships ON workspace_members FOR SELECT USING ${OWN_MEMBERSHIPS}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP POLICY IF EXISTS own_memberships ON workspace_members`);
    await runner.query(`DROP POLICY IF EXISTS platform_keys ON idempotency_keys`);
    for (const table of TENANT_TABLES) await disableTenantRls(runner, table);
  }
}
