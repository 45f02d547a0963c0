import { DataIntegrityAuditLog1765100000000 } from '@atp/platform-integrity';
import type { MigrationClass } from '@atp/platform-database';
import { IdempotencyKeysPerCaller1764990000000 } from '@atp/platform-http';
import { messagingMigrations } from '@atp/platform-messaging';
import { DirectoryTables1764100000000 } from './migrations/1764100000000-directory-tables';
import { ConfigTables1764100000001 } from './migrations/1764100000001-config-tables';
import { WorkflowPins1764100000002 } from './migrations/1764100000002-workflow-pins';
import { IdempotencyKeys1764100000003 } from './migrations/1764100000003-idempotency-keys';
import { IdempotencyKeysPlatformStore1764100000004 } from './migrations/1764100000004-idempotency-keys-platform-store';
import { PlatformRoleGrants1764100000010 } from './migrations/1764100000010-platform-role-grants';
import { PinsFromRows1764100000011 } from './migrations/1764100000011-pins-from-rows';
import { SubmissionPins1764100000020 } from './migrations/1764100000020-submission-pins';
import { TenantRls1765200000010 } from './migrations/1765200000010-tenant-rls';

/** Every migration of this service, in order (listed explicitly: bundlers drop glob patterns). */
export const migrations: MigrationClass[] = [
  ...messagingMigrations,
  DirectoryTables1764100000000,
  ConfigTables1764100000001,
  WorkflowPins1764100000002,
  IdempotencyKeys1764100000003,
  IdempotencyKeysPlatformStore1764100000004,
  PlatformRoleGrants1764100000010,
  PinsFromRows1764100000011,
  SubmissionPins1764100000020,
  IdempotencyKeysPerCaller1764990000000,
  DataIntegrityAuditLog1765100000000,
  // Last: the policies are created on the tables' final shape.
  TenantRls1765200000010,
];
