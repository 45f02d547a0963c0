import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read-only copies of config-service data (architecture §5.2), rebuilt from the compacted topics from
 * offset 0. Snapshots are stored whole (JSONB): routing reads one version at a time, never a row.
 */
export class ReplicaTables1764200000001 implements MigrationInterface {
  name = 'ReplicaTables1764200000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE config_snapshot_replica (
        config_version_id TEXT PRIMARY KEY,
        workspace_id      UUID NOT NULL,
        source_type       VARCHAR(50) NOT NULL
          CONSTRAINT ck_config_snapshot_replica_source_type CHECK (source_type IN ('APPROVAL_MATRIX','CLUSTER_MAPPING','SCOPE_CONFIG')),
        version_number    INT NOT NULL CHECK (version_number > 0),
        snapshot          JSONB NOT NULL,
        received_at       TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX idx_config_snapshot_replica_workspace ON config_snapshot_replica (workspace_id, source_type, version_number DESC)`,
    );
    await runner.query(`
      CREATE TABLE workspace_replica (
        workspace_id UUID PRIMARY KEY,
        code         VARCHAR(80) NOT NULL,
        name         VARCHAR(150) NOT NULL,
        is_active    BOOLEAN NOT NULL,
        updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE member_replica (
        membership_id TEXT PRIMARY KEY,
        workspace_id  UUID NOT NULL,
        user_id       TEXT NOT NULL,
        role          VARCHAR(40) NOT NULL,
        is_active     BOOLEAN NOT NULL,
        updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    // A user may hold several roles in one workspace (one membership each).
    await runner.query(
      `CREATE INDEX idx_member_replica_user ON member_replica (workspace_id, user_id) WHERE is_active`,
    );
    await runner.query(`
      CREATE TABLE site_replica (
        site_id      TEXT PRIMARY KEY,
        workspace_id UUID NOT NULL,
        site_code    VARCHAR(100) NOT NULL,
        cluster_code VARCHAR(120),
        region_code  VARCHAR(100),
        is_active    BOOLEAN NOT NULL,
        updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE site_replica`);
    await runner.query(`DROP TABLE member_replica`);
    await runner.query(`DROP TABLE workspace_replica`);
    await runner.query(`DROP TABLE config_snapshot_replica`);
  }
}
