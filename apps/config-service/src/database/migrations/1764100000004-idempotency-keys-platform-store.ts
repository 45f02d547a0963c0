import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * config-service moves onto the platform `IdempotencyStore` (claim first, in the work's transaction):
 * its table takes the platform's column names, and a claimed key has no answer until the work commits.
 * `IdempotencyKeysPerCaller1764990000000` then scopes keys per caller.
 */
export class IdempotencyKeysPlatformStore1764100000004 implements MigrationInterface {
  name = 'IdempotencyKeysPlatformStore1764100000004';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE idempotency_keys RENAME COLUMN key TO idempotency_key`);
    await runner.query(`ALTER TABLE idempotency_keys RENAME COLUMN request_hash TO request_fingerprint`);
    await runner.query(`ALTER TABLE idempotency_keys ALTER COLUMN request_fingerprint TYPE TEXT`);
    await runner.query(`ALTER TABLE idempotency_keys RENAME COLUMN status_code TO response_status`);
    await runner.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT ck_idempotency_keys_status_code`);
    await runner.query(`ALTER TABLE idempotency_keys ALTER COLUMN response_status DROP NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM idempotency_keys WHERE response_status IS NULL`);
    await runner.query(`ALTER TABLE idempotency_keys ALTER COLUMN response_status SET NOT NULL`);
    await runner.query(
      `ALTER TABLE idempotency_keys ADD CONSTRAINT ck_idempotency_keys_status_code CHECK (response_status BETWEEN 200 AND 299)`,
    );
    await runner.query(`ALTER TABLE idempotency_keys RENAME COLUMN response_status TO status_code`);
    await runner.query(`ALTER TABLE idempotency_keys ALTER COLUMN request_fingerprint TYPE CHAR(64)`);
    await runner.query(`ALTER TABLE idempotency_keys RENAME COLUMN request_fingerprint TO request_hash`);
    await runner.query(`ALTER TABLE idempotency_keys RENAME COLUMN idempotency_key TO key`);
  }
}
