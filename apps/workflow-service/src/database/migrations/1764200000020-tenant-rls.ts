import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@atp/platform-database';

/**
 * Row-level security on every tenant table (architecture §7): a query that forgets its workspace sees and writes
 * nothing of another one. HTTP requests and Kafka handlers run in their workspace's scope (the platform sets it);
 * the SLA sweeper is the one job that works across workspaces, through the audited bypass.
 */
export const TENANT_TABLES = [
  'workflow_instances',
  'workflow_stages',
  'workflow_stage_actions',
  'workflow_start_refusals',
  'approver_overrides',
  'member_replica',
  'site_replica',
  'workspace_replica',
  'config_snapshot_replica',
  'idempotency_keys',
  'reference_rejections',
] as const;

export class TenantRls1764200000020 implements MigrationInterface {
  name = 'TenantRls1764200000020';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) await enableTenantRls(runner, table);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) await disableTenantRls(runner, table);
  }
}
