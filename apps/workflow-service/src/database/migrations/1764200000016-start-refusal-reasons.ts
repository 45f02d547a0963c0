import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Start refusals for attempts out of order (another attempt open, approved or newer), a submitter who is not an
 * active member, and a cluster the pinned CLUSTER_MAPPING does not know (issue 16: #5, #22).
 */
export class StartRefusalReasons1764200000016 implements MigrationInterface {
  name = 'StartRefusalReasons1764200000016';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE workflow_start_refusals DROP CONSTRAINT ck_workflow_start_refusals_reason`);
    await runner.query(`
      ALTER TABLE workflow_start_refusals ADD CONSTRAINT ck_workflow_start_refusals_reason CHECK (reason IN (
        'CONFIG_SNAPSHOT_MISSING','CONFIG_SNAPSHOT_MISMATCH','NO_POLICY','UNKNOWN_CATEGORY','WORKSPACE_INACTIVE',
        'ATTEMPT_CONFLICT','SUBMITTER_NOT_MEMBER','UNKNOWN_CLUSTER'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DELETE FROM workflow_start_refusals WHERE reason IN ('ATTEMPT_CONFLICT','SUBMITTER_NOT_MEMBER','UNKNOWN_CLUSTER')`,
    );
    await runner.query(`ALTER TABLE workflow_start_refusals DROP CONSTRAINT ck_workflow_start_refusals_reason`);
    await runner.query(`
      ALTER TABLE workflow_start_refusals ADD CONSTRAINT ck_workflow_start_refusals_reason CHECK (reason IN (
        'CONFIG_SNAPSHOT_MISSING','CONFIG_SNAPSHOT_MISMATCH','NO_POLICY','UNKNOWN_CATEGORY','WORKSPACE_INACTIVE'))`);
  }
}
