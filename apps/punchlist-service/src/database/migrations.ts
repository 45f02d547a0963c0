import { DataIntegrityAuditLog1765100000000 } from '@atp/platform-integrity';
import type { MigrationClass } from '@atp/platform-database';
import { IdempotencyKeys1764000000100, IdempotencyKeysPerCaller1764990000000 } from '@atp/platform-http';
import { messagingMigrations } from '@atp/platform-messaging';
import { PunchlistTables1764300000000 } from './migrations/1764300000000-punchlist-tables';
import { TenantRls1764300000001 } from './migrations/1764300000001-tenant-rls';
import { PunchlistIntegrityFlag1765300000000 } from './migrations/1765300000000-punchlist-integrity-flag';

/** Every migration of this service, in order (listed explicitly: bundlers drop glob patterns). */
export const migrations: MigrationClass[] = [
  ...messagingMigrations,
  IdempotencyKeys1764000000100,
  PunchlistTables1764300000000,
  TenantRls1764300000001,
  IdempotencyKeysPerCaller1764990000000,
  DataIntegrityAuditLog1765100000000,
  PunchlistIntegrityFlag1765300000000,
];
