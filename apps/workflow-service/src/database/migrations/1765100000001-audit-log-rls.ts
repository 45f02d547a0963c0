import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@atp/platform-database';

/**
 * Row-level security on the orphan audit log (created by @atp/platform-integrity after the tenant tables got theirs):
 * a workspace's runs are read in its scope; runs over every workspace (workspace_id NULL) only in the audited bypass.
 */
export class AuditLogRls1765100000001 implements MigrationInterface {
  name = 'AuditLogRls1765100000001';

  async up(runner: QueryRunner): Promise<void> {
    await enableTenantRls(runner, 'data_integrity_audit_log');
  }

  async down(runner: QueryRunner): Promise<void> {
    await disableTenantRls(runner, 'data_integrity_audit_log');
  }
}
