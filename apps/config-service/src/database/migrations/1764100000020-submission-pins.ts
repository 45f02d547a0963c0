import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cross-service RESTRICT for submissions (architecture §5.4): what each open submission pins, learnt from submission
 * events: its site (`submission.created`) and the config versions of its latest attempt (`submission.submitted`).
 * `submission.status-changed` to COMPLETED closes it (a REJECTED or INVALID_REFERENCE submission can be resubmitted,
 * so it stays open). A pinned site is not deactivated, a pinned version not archived or deleted. No foreign keys:
 * the ids are another service's claims; the delete guard now counts both kinds of pins.
 */
export class SubmissionPins1764100000020 implements MigrationInterface {
  name = 'SubmissionPins1764100000020';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE submission_pins (
        submission_id      TEXT PRIMARY KEY,
        workspace_id       UUID NOT NULL,
        site_id            TEXT,
        config_version_ids TEXT[] NOT NULL DEFAULT '{}',
        closed_at          TIMESTAMPTZ,
        created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX idx_submission_pins_open_site ON submission_pins (site_id) WHERE closed_at IS NULL`,
    );
    await runner.query(
      `CREATE INDEX idx_submission_pins_open_versions ON submission_pins USING gin (config_version_ids) WHERE closed_at IS NULL`,
    );
    await runner.query(`
      CREATE OR REPLACE FUNCTION trg_config_versions_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_pins INT;
      BEGIN
        IF OLD.status <> 'DRAFT' THEN
          RAISE EXCEPTION 'config version % is % and cannot be deleted', OLD.id, OLD.status USING ERRCODE = 'P0001';
        END IF;
        SELECT (SELECT count(*) FROM workflow_pins WHERE ended_at IS NULL AND config_version_ids @> ARRAY[OLD.id]::text[])
             + (SELECT count(*) FROM submission_pins WHERE closed_at IS NULL AND config_version_ids @> ARRAY[OLD.id]::text[])
          INTO v_pins;
        IF v_pins > 0 THEN
          RAISE EXCEPTION 'config version % is pinned by % running workflow(s) or open submission(s)', OLD.id, v_pins USING ERRCODE = 'P0001';
        END IF;
        RETURN OLD;
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE OR REPLACE FUNCTION trg_config_versions_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_pins INT;
      BEGIN
        IF OLD.status <> 'DRAFT' THEN
          RAISE EXCEPTION 'config version % is % and cannot be deleted', OLD.id, OLD.status USING ERRCODE = 'P0001';
        END IF;
        SELECT count(*) INTO v_pins FROM workflow_pins WHERE ended_at IS NULL AND config_version_ids @> ARRAY[OLD.id]::text[];
        IF v_pins > 0 THEN
          RAISE EXCEPTION 'config version % is pinned by % running workflow(s)', OLD.id, v_pins USING ERRCODE = 'P0001';
        END IF;
        RETURN OLD;
      END $$`);
    await runner.query(`DROP TABLE submission_pins`);
  }
}
