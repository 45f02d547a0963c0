import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk jobs report progress row by row: `updated_at` is the running job's heartbeat (a job whose process
 * died stops beating and the sweeper fails it), `error` says why a job FAILED as a whole, and the list of
 * a workspace's jobs is read newest first.
 */
export class BulkJobProgress1764995000000 implements MigrationInterface {
  name = 'BulkJobProgress1764995000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE bulk_jobs ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), ADD COLUMN error TEXT`,
    );
    await runner.query(`ALTER TABLE bulk_jobs ALTER COLUMN report SET DEFAULT '{}'::jsonb`);
    await runner.query(`CREATE INDEX idx_bulk_jobs_running ON bulk_jobs (updated_at) WHERE status = 'RUNNING'`);
    await runner.query(`CREATE INDEX idx_blob_upload_intents_started ON blob_upload_intents (started_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX idx_blob_upload_intents_started`);
    await runner.query(`DROP INDEX idx_bulk_jobs_running`);
    await runner.query(`ALTER TABLE bulk_jobs ALTER COLUMN report SET DEFAULT '[]'::jsonb`);
    await runner.query(`ALTER TABLE bulk_jobs DROP COLUMN error, DROP COLUMN updated_at`);
  }
}
