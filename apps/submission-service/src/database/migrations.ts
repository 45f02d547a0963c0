import type { MigrationClass } from '@atp/platform-database';
import { MessagingTables1764000000000 } from '@atp/platform-messaging';

/** Every migration of this service, in order (listed explicitly: bundlers drop glob patterns). */
export const migrations: MigrationClass[] = [MessagingTables1764000000000];
