import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The trace context of the request or handler that wrote an event (W3C `traceparent`, `tracestate`),
 * so the relay can put it in the Kafka headers and the consumers continue the same trace. NULL when
 * tracing is off or the event was written before this column existed: such events carry no headers.
 */
export class OutboxTraceContext1765100000000 implements MigrationInterface {
  name = 'OutboxTraceContext1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE outbox ADD COLUMN trace_context JSONB`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE outbox DROP COLUMN trace_context`);
  }
}
