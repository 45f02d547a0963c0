import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pins are counted from the pinning rows themselves (`workflow_pins` of running workflows, GIN index on
 * `config_version_ids`), not from shared counter rows: every start and end of every workflow of a
 * workspace used to update the same few `config_version_pins` rows, which serialized the consumer's
 * chunks, deadlocked across partitions and could not be rebuilt once the workflow topic's retention
 * had passed. The delete guard counts the same way.
 */
export class PinsFromRows1764100000011 implements MigrationInterface {
  name = 'PinsFromRows1764100000011';

  async up(runner: QueryRunner): Promise<void> {
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
    await runner.query(`DROP TABLE config_version_pins`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE config_version_pins (
        config_version_id TEXT PRIMARY KEY,
        pinned_count      INT NOT NULL DEFAULT 0,
        updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_config_version_pins_config_versions FOREIGN KEY (config_version_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT ck_config_version_pins_count CHECK (pinned_count >= 0)
      )`);
    await runner.query(`
      INSERT INTO config_version_pins (config_version_id, pinned_count)
      SELECT v.id, count(*) FROM workflow_pins p CROSS JOIN LATERAL unnest(p.config_version_ids) AS pinned(id)
      JOIN config_versions v ON v.id = pinned.id WHERE p.ended_at IS NULL GROUP BY v.id`);
  }
}
