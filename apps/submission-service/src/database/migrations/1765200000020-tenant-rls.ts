import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@atp/platform-database';

/**
 * Row-level security on every tenant table of submission-service (architecture §7): a query that forgets its
 * workspace sees and writes nothing of another one. HTTP requests on /workspaces/:workspaceId and Kafka handlers
 * run in their workspace's scope (the platform sets it); a bulk job runs in its job's workspace; the upload sweeper
 * and the orphan audit are the jobs that work across workspaces, through the named and logged bypass.
 *
 * Outside RLS, on purpose: `outbox`, `outbox_aggregate_versions` and `inbox` (no workspace_id: the relay and the
 * consumers work across workspaces), and `data_integrity_audit_log`, which has a workspace_id but keeps a run over
 * every workspace as one row without a workspace, read by every workspace's GET …/audits/latest narrowed to its
 * own counts (no tenant data).
 */
export const TENANT_TABLES = [
  'atp_submissions',
  'atp_submission_attempts',
  'atp_submission_documents',
  'atp_category_overrides',
  'atp_punchlist_gates',
  'blob_upload_intents',
  'bulk_jobs',
  'idempotency_keys',
  'reference_rejections',
  'workspace_replica',
  'member_replica',
  'site_replica',
  'scope_replica',
  'vendor_replica',
  'config_version_replica',
] as const;

export class TenantRls1765200000020 implements MigrationInterface {
  name = 'TenantRls1765200000020';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) await enableTenantRls(runner, table);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) await disableTenantRls(runner, table);
  }
}
