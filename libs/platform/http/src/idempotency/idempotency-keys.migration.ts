import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `idempotency_keys` table of `IdempotencyStore`, for services created after workflow-service
 * (which has the same table in its first migration). List it with `IdempotencyKeysPerCaller1764990000000`.
 */
export class IdempotencyKeys1764000000100 implements MigrationInterface {
  name = 'IdempotencyKeys1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS idempotency_keys (
        workspace_id        UUID NOT NULL,
        idempotency_key     VARCHAR(200) NOT NULL,
        request_fingerprint TEXT NOT NULL,
        response_status     INT,
        response_body       JSONB,
        created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, idempotency_key)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE idempotency_keys`);
  }
}
