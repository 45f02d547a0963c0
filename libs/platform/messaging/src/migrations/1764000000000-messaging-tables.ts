import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox and inbox of a service (architecture §4). Every service lists this migration first.
 *
 * outbox: events written in the same transaction as the domain rows; the relay publishes unpublished
 * rows in id order. `outbox_aggregate_versions` hands out `aggregateVersion` per aggregate; its row
 * lock also serialises concurrent writers of one aggregate, so per-aggregate id order equals commit
 * order and the relay never publishes an aggregate's events out of order.
 * inbox: one row per (consumer, event) applied; the primary key turns a redelivery into a no-op.
 */
export class MessagingTables1764000000000 implements MigrationInterface {
  name = 'MessagingTables1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE outbox (
        id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id          UUID NOT NULL,
        topic             TEXT NOT NULL,
        partition_key     TEXT NOT NULL CHECK (partition_key <> ''),
        event_type        TEXT NOT NULL,
        aggregate_type    TEXT NOT NULL,
        aggregate_id      TEXT NOT NULL,
        aggregate_version BIGINT NOT NULL CHECK (aggregate_version > 0),
        envelope          JSONB NOT NULL,
        created_at        TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
        published_at      TIMESTAMPTZ,
        CONSTRAINT ux_outbox_event_id UNIQUE (event_id)
      )`);
    await runner.query(`CREATE INDEX idx_outbox_unpublished ON outbox (id) WHERE published_at IS NULL`);
    await runner.query(`CREATE INDEX idx_outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL`);
    await runner.query(`
      CREATE TABLE outbox_aggregate_versions (
        aggregate_type TEXT NOT NULL,
        aggregate_id   TEXT NOT NULL,
        version        BIGINT NOT NULL,
        PRIMARY KEY (aggregate_type, aggregate_id)
      )`);
    // Statement-level: one notification per inserting statement; PostgreSQL also folds identical
    // notifications of one transaction, so a batch of events wakes the relay once, at commit.
    await runner.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox_pending', '');
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER trg_outbox_notify AFTER INSERT ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
    await runner.query(`
      CREATE TABLE inbox (
        consumer     TEXT NOT NULL,
        event_id     UUID NOT NULL,
        event_type   TEXT NOT NULL,
        topic        TEXT NOT NULL,
        kafka_partition INT NOT NULL,
        kafka_offset BIGINT NOT NULL,
        processed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await runner.query(`CREATE INDEX idx_inbox_processed_at ON inbox (processed_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE inbox`);
    await runner.query(`DROP TRIGGER trg_outbox_notify ON outbox`);
    await runner.query(`DROP FUNCTION outbox_notify()`);
    await runner.query(`DROP TABLE outbox_aggregate_versions`);
    await runner.query(`DROP TABLE outbox`);
  }
}
