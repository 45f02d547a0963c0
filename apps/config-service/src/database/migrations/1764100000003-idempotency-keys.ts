import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency-Key of the creating/deciding POSTs (platform guide, architecture §8): the stored answer of the first
 * request with a key, written in the same transaction as its work, so a retry gets the same answer and the work
 * happens once. Platform-wide routes (users, workspaces) use the nil UUID as workspace.
 */
export class IdempotencyKeys1764100000003 implements MigrationInterface {
  name = 'IdempotencyKeys1764100000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE idempotency_keys (
        workspace_id  UUID NOT NULL,
        key           VARCHAR(200) NOT NULL,
        request_hash  CHAR(64) NOT NULL,
        status_code   INT NOT NULL,
        response_body JSONB,
        created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT pk_idempotency_keys PRIMARY KEY (workspace_id, key),
        CONSTRAINT ck_idempotency_keys_status_code CHECK (status_code BETWEEN 200 AND 299)
      )`);
    // For the retention purge (keys are kept for a bounded time, like every idempotency store).
    await runner.query(`CREATE INDEX idx_idempotency_keys_created_at ON idempotency_keys (created_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE idempotency_keys`);
  }
}
