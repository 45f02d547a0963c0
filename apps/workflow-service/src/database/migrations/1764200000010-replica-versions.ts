import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['config_snapshot_replica', 'workspace_replica', 'member_replica', 'site_replica'];

/**
 * Each replica row remembers the `aggregateVersion` of the event that wrote it, so an older event
 * (a DLQ replay, a re-read of the compacted topic) never moves a row backwards. Existing rows start
 * at 0: the next event of their aggregate overwrites them as before.
 */
export class ReplicaVersions1764200000010 implements MigrationInterface {
  name = 'ReplicaVersions1764200000010';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TABLES)
      await runner.query(`ALTER TABLE ${table} ADD COLUMN aggregate_version BIGINT NOT NULL DEFAULT 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of TABLES) await runner.query(`ALTER TABLE ${table} DROP COLUMN aggregate_version`);
  }
}
