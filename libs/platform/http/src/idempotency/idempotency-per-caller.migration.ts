import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys scoped per caller as well as per workspace: two users who pick the same key no
 * longer collide. The timestamp sorts it after every service's own migrations (workflow-service and
 * config-service created the table themselves first); list it last.
 */
export class IdempotencyKeysPerCaller1764990000000 implements MigrationInterface {
  name = 'IdempotencyKeysPerCaller1764990000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS caller_id VARCHAR(100) NOT NULL DEFAULT ''`,
    );
    await runner.query(`ALTER TABLE idempotency_keys ALTER COLUMN caller_id DROP DEFAULT`);
    await runner.query(`
      DO $$
      DECLARE primary_key text;
      BEGIN
        SELECT conname INTO primary_key FROM pg_constraint WHERE conrelid = 'idempotency_keys'::regclass AND contype = 'p';
        IF primary_key IS NOT NULL THEN
          EXECUTE format('ALTER TABLE idempotency_keys DROP CONSTRAINT %I', primary_key);
        END IF;
      END $$`);
    await runner.query(
      `ALTER TABLE idempotency_keys ADD CONSTRAINT pk_idempotency_keys PRIMARY KEY (workspace_id, caller_id, idempotency_key)`,
    );
    // For the retention purge (keys are kept for a bounded time).
    await runner.query(`CREATE INDEX IF NOT EXISTS idx_idempotency_keys_created_at ON idempotency_keys (created_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT pk_idempotency_keys`);
    await runner.query(
      `ALTER TABLE idempotency_keys ADD CONSTRAINT pk_idempotency_keys PRIMARY KEY (workspace_id, idempotency_key)`,
    );
    await runner.query(`ALTER TABLE idempotency_keys DROP COLUMN caller_id`);
  }
}
