import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cross-service RESTRICT (architecture §5.4): which config versions each running workflow pins, as learnt from
 * workflow events. `workflow.started` names the versions; the end events (completed, rejected, cancelled) name
 * only the instance, so the start's versions are kept here and read back on the end. A row with `ended_at` and no
 * versions is the tombstone of an end that arrived for a workflow this service never saw start.
 * No foreign keys: the ids are claims of another service (unknown versions are not counted).
 */
export class WorkflowPins1764100000002 implements MigrationInterface {
  name = 'WorkflowPins1764100000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE workflow_pins (
        workflow_instance_id TEXT PRIMARY KEY,
        workspace_id         UUID,
        config_version_ids   TEXT[] NOT NULL DEFAULT '{}',
        started_at           TIMESTAMPTZ,
        ended_at             TIMESTAMPTZ,
        end_event_type       VARCHAR(60),
        created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ck_workflow_pins_end_event_type CHECK (end_event_type IN ('workflow.completed','workflow.rejected','workflow.cancelled'))
      )`);
    await runner.query(
      `CREATE INDEX idx_workflow_pins_running ON workflow_pins USING gin (config_version_ids) WHERE ended_at IS NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE workflow_pins`);
  }
}
