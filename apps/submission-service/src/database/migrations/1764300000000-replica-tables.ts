import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read-only copies of the config-service data a submission references (architecture §5.2), rebuilt
 * from the compacted topics from offset 0. `source_version` is the envelope's aggregateVersion: an
 * upsert applies only when it is not older than the row, so a replay or a late duplicate changes nothing.
 */
export class ReplicaTables1764300000000 implements MigrationInterface {
  name = 'ReplicaTables1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE workspace_replica (
        workspace_id   UUID PRIMARY KEY,
        code           VARCHAR(80) NOT NULL,
        name           VARCHAR(150) NOT NULL,
        is_active      BOOLEAN NOT NULL,
        source_version BIGINT NOT NULL,
        updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE member_replica (
        membership_id  TEXT PRIMARY KEY,
        workspace_id   UUID NOT NULL,
        user_id        TEXT NOT NULL,
        role           VARCHAR(40) NOT NULL,
        is_active      BOOLEAN NOT NULL,
        source_version BIGINT NOT NULL,
        updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX idx_member_replica_user ON member_replica (workspace_id, user_id) WHERE is_active`,
    );
    await runner.query(`
      CREATE TABLE site_replica (
        site_id        TEXT PRIMARY KEY,
        workspace_id   UUID NOT NULL,
        site_code      VARCHAR(100) NOT NULL,
        site_name      VARCHAR(200) NOT NULL,
        cluster_code   VARCHAR(120),
        region         VARCHAR(100),
        is_active      BOOLEAN NOT NULL,
        source_version BIGINT NOT NULL,
        updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX idx_site_replica_code ON site_replica (workspace_id, site_code)`);
    // One row per activated version; the ACTIVE one per (workspace, source type) is the highest number
    // (activation, including rollback, always creates the next version number).
    await runner.query(`
      CREATE TABLE config_version_replica (
        config_version_id TEXT PRIMARY KEY,
        workspace_id      UUID NOT NULL,
        source_type       VARCHAR(50) NOT NULL
          CONSTRAINT ck_config_version_replica_source_type CHECK (source_type IN ('APPROVAL_MATRIX','CLUSTER_MAPPING','SCOPE_CONFIG')),
        version_number    INT NOT NULL CHECK (version_number > 0),
        received_at       TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX idx_config_version_replica_active ON config_version_replica (workspace_id, source_type, version_number DESC)`,
    );
    await runner.query(`
      CREATE TABLE scope_replica (
        config_version_id TEXT NOT NULL REFERENCES config_version_replica (config_version_id) ON DELETE CASCADE,
        scope_id          TEXT NOT NULL,
        workspace_id      UUID NOT NULL,
        scope_code        VARCHAR(50) NOT NULL,
        is_active         BOOLEAN NOT NULL,
        PRIMARY KEY (config_version_id, scope_id)
      )`);
    await runner.query(`CREATE INDEX idx_scope_replica_code ON scope_replica (config_version_id, scope_code)`);
    await runner.query(`
      CREATE TABLE vendor_replica (
        config_version_id TEXT NOT NULL REFERENCES config_version_replica (config_version_id) ON DELETE CASCADE,
        vendor_id         TEXT NOT NULL,
        workspace_id      UUID NOT NULL,
        vendor_code       VARCHAR(50) NOT NULL,
        is_active         BOOLEAN NOT NULL,
        PRIMARY KEY (config_version_id, vendor_id)
      )`);
    await runner.query(`CREATE INDEX idx_vendor_replica_code ON vendor_replica (config_version_id, vendor_code)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'vendor_replica',
      'scope_replica',
      'config_version_replica',
      'site_replica',
      'member_replica',
      'workspace_replica',
    ]) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
