import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin actions, overrides over HTTP and non-required stages:
 * - `workflow_instances.held_at`: when the current hold began, so resume can shift the SLA of PENDING
 *   stages by the held duration (the SLA clock runs only while a stage is actionable, Q3);
 * - `workflow_stages.is_required`: frozen from the policy stage; a non-required stage is SKIPPED when its
 *   stage number would open (domain §4.2 [R]);
 * - `SKIPPED` joins the audit action types;
 * - `approver_overrides.approval_role_id` becomes nullable: an override requested by role *code* applies
 *   to every config version (role ids are per version); `role_code` stays mandatory;
 * - an index for listing a workspace's overrides newest first.
 */
export class AdminActionsOverrides1764200000002 implements MigrationInterface {
  name = 'AdminActionsOverrides1764200000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE workflow_instances ADD COLUMN held_at TIMESTAMPTZ`);
    await runner.query(`
      ALTER TABLE workflow_instances ADD CONSTRAINT ck_workflow_instances_held_at CHECK ((status = 'ON_HOLD') = (held_at IS NOT NULL))`);
    await runner.query(`ALTER TABLE workflow_stages ADD COLUMN is_required BOOLEAN NOT NULL DEFAULT true`);
    await runner.query(`ALTER TABLE workflow_stage_actions DROP CONSTRAINT ck_workflow_stage_actions_type`);
    await runner.query(`
      ALTER TABLE workflow_stage_actions ADD CONSTRAINT ck_workflow_stage_actions_type CHECK (action_type IN (
        'CREATED','ACTIVATED','UNASSIGNED','APPROVE','APPROVE_WITH_PUNCHLIST','REJECT','CANCELLED',
        'SLA_BREACHED','ESCALATED','REASSIGNED','HELD','RESUMED','SKIPPED'))`);
    await runner.query(`ALTER TABLE approver_overrides ALTER COLUMN approval_role_id DROP NOT NULL`);
    await runner.query(
      `CREATE INDEX idx_approver_overrides_listing ON approver_overrides (workspace_id, created_at DESC, id DESC)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX idx_approver_overrides_listing`);
    await runner.query(
      `UPDATE approver_overrides SET approval_role_id = 'role-code:' || role_code WHERE approval_role_id IS NULL`,
    );
    await runner.query(`ALTER TABLE approver_overrides ALTER COLUMN approval_role_id SET NOT NULL`);
    await runner.query(`ALTER TABLE workflow_stage_actions DROP CONSTRAINT ck_workflow_stage_actions_type`);
    await runner.query(`
      ALTER TABLE workflow_stage_actions ADD CONSTRAINT ck_workflow_stage_actions_type CHECK (action_type IN (
        'CREATED','ACTIVATED','UNASSIGNED','APPROVE','APPROVE_WITH_PUNCHLIST','REJECT','CANCELLED',
        'SLA_BREACHED','ESCALATED','REASSIGNED','HELD','RESUMED')) NOT VALID`);
    await runner.query(`ALTER TABLE workflow_stages DROP COLUMN is_required`);
    await runner.query(`ALTER TABLE workflow_instances DROP CONSTRAINT ck_workflow_instances_held_at`);
    await runner.query(`ALTER TABLE workflow_instances DROP COLUMN held_at`);
  }
}
