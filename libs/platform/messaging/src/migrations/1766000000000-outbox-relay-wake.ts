import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications only while the relay sleeps (issue 14 item 3). A committing NOTIFY takes a lock that is
 * global to the cluster and holds it through the commit's WAL flush, so with durable commits every
 * notifying commit of every database on the cluster commits one at a time. The relay now polls
 * adaptively while events flow and arms the notification (`armed`) only when it goes idle; the trigger
 * notifies only then. The row starts armed, so a relay that predates this keeps being woken.
 */
export class OutboxRelayWake1766000000000 implements MigrationInterface {
  name = 'OutboxRelayWake1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE outbox_relay_wake (
        singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
        armed     BOOLEAN NOT NULL
      )`);
    await runner.query(`INSERT INTO outbox_relay_wake (armed) VALUES (true)`);
    await runner.query(`
      CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM outbox_relay_wake WHERE armed) THEN
          PERFORM pg_notify('outbox_pending', '');
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox_pending', '');
        RETURN NULL;
      END $$`);
    await runner.query(`DROP TABLE outbox_relay_wake`);
  }
}
