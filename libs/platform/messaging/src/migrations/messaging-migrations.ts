import { MessagingTables1764000000000 } from './1764000000000-messaging-tables';
import { OutboxFailures1764000000001 } from './1764000000001-outbox-failures';
import { OutboxTraceContext1765100000000 } from './1765100000000-outbox-trace-context';
import { OutboxRelayWake1766000000000 } from './1766000000000-outbox-relay-wake';

/**
 * The messaging platform's migrations, in order; every service lists them before its own (TypeORM runs
 * pending migrations by timestamp, so the trace column and the relay's wake flag, dated after every
 * service's tables, come last).
 */
export const messagingMigrations = [
  MessagingTables1764000000000,
  OutboxFailures1764000000001,
  OutboxTraceContext1765100000000,
  OutboxRelayWake1766000000000,
];
