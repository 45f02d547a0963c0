import type { MigrationClass } from '@atp/platform-database';
import { messagingMigrations } from '@atp/platform-messaging';
import { DirectoryTables1764100000000 } from './migrations/1764100000000-directory-tables';
import { ConfigTables1764100000001 } from './migrations/1764100000001-config-tables';
import { WorkflowPins1764100000002 } from './migrations/1764100000002-workflow-pins';
import { IdempotencyKeys1764100000003 } from './migrations/1764100000003-idempotency-keys';
import { PlatformRoleGrants1764100000010 } from './migrations/1764100000010-platform-role-grants';

/** Every migration of this service, in order (listed explicitly: bundlers drop glob patterns). */
export const migrations: MigrationClass[] = [
  ...messagingMigrations, DirectoryTables1764100000000, ConfigTables1764100000001, WorkflowPins1764100000002, IdempotencyKeys1764100000003,
  PlatformRoleGrants1764100000010];
