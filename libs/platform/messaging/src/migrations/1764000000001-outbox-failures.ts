import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An event Kafka refuses for good (too large, invalid record) is parked instead of blocking the
 * relay: `failed_at` and `last_error` say why, and later events of the same partition key are held
 * back so their order survives. An operator fixes the cause and clears `failed_at` to resume.
 */
export class OutboxFailures1764000000001 implements MigrationInterface {
  name = 'OutboxFailures1764000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE outbox ADD COLUMN failed_at TIMESTAMPTZ, ADD COLUMN last_error TEXT`);
    await runner.query(
      `CREATE INDEX idx_outbox_parked ON outbox (partition_key, id) WHERE failed_at IS NOT NULL AND published_at IS NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX idx_outbox_parked`);
    await runner.query(`ALTER TABLE outbox DROP COLUMN failed_at, DROP COLUMN last_error`);
  }
}
