import type { MigrationClass } from '@atp/platform-database';
import { messagingMigrations } from '@atp/platform-messaging';

/** Every migration of this service, in order (listed explicitly: bundlers drop glob patterns). */
export const migrations: MigrationClass[] = [...messagingMigrations];
