import { MessagingTables1764000000000 } from './1764000000000-messaging-tables';
import { OutboxFailures1764000000001 } from './1764000000001-outbox-failures';

/** The messaging platform's migrations, in order; every service lists them before its own. */
export const messagingMigrations = [MessagingTables1764000000000, OutboxFailures1764000000001];
