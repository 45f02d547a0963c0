import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `data_integrity_audit_log` (domain §7.1) in every service: one row per audit run. Deviation: the checks
 * differ per service, so the per-check counts are one JSONB object (check id → orphans) instead of one INT
 * column per check. `workspace_id` is the audited workspace, NULL for a run over every workspace.
 *
 * Also the indexes the anti-joins need where a replica had none on the looked-up columns (a migration of
 * the lib runs in every service; tables a service does not have are skipped).
 */
export class DataIntegrityAuditLog1765100000000 implements MigrationInterface {
  name = 'DataIntegrityAuditLog1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE data_integrity_audit_log (
        id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        checked_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
        service       VARCHAR(20) NOT NULL,
        workspace_id  UUID,
        trigger       VARCHAR(20) NOT NULL CONSTRAINT ck_data_integrity_audit_log_trigger CHECK (trigger IN ('SCHEDULE','REQUEST')),
        requested_by  TEXT,
        counts        JSONB NOT NULL,
        total_orphans INT NOT NULL CHECK (total_orphans >= 0),
        health_status VARCHAR(40) NOT NULL
          CONSTRAINT ck_data_integrity_audit_log_status CHECK (health_status IN ('HEALTHY','DATA INTEGRITY ISSUES DETECTED')),
        details       JSONB NOT NULL,
        duration_ms   INT NOT NULL CHECK (duration_ms >= 0)
      )`);
    await runner.query(
      `CREATE INDEX idx_data_integrity_audit_log_checked_at ON data_integrity_audit_log (checked_at DESC)`,
    );
    await runner.query(`CREATE INDEX idx_data_integrity_audit_log_status ON data_integrity_audit_log (health_status)`);
    await runner.query(
      `CREATE INDEX idx_data_integrity_audit_log_workspace ON data_integrity_audit_log (workspace_id, checked_at DESC)`,
    );
    for (const [table, columns] of LOOKUP_INDEXES) {
      const [{ exists }] = (await runner.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [table])) as Array<{
        exists: boolean;
      }>;
      if (exists) await runner.query(`CREATE INDEX idx_${table}_integrity_lookup ON ${table} (${columns.join(', ')})`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const [table] of LOOKUP_INDEXES) await runner.query(`DROP INDEX IF EXISTS idx_${table}_integrity_lookup`);
    await runner.query(`DROP TABLE data_integrity_audit_log`);
  }
}

/** Replica lookups of the registry no existing index served (the partial member index only covers active rows). */
const LOOKUP_INDEXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['member_replica', ['user_id', 'workspace_id']],
  ['scope_replica', ['scope_id', 'workspace_id']],
  ['vendor_replica', ['vendor_id', 'workspace_id']],
];
