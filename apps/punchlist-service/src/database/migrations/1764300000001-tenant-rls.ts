import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@atp/platform-database';

/** Row-level security on every tenant table (architecture §7): a query that forgets the workspace sees nothing. */
export const TENANT_TABLES = [
  'member_replica',
  'workflow_facts',
  'punchlists',
  'punchlist_items',
  'punchlist_evidence',
  'punchlist_item_history',
  'idempotency_keys',
] as const;

export class TenantRls1764300000001 implements MigrationInterface {
  name = 'TenantRls1764300000001';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) await enableTenantRls(runner, table);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) await disableTenantRls(runner, table);
  }
}
