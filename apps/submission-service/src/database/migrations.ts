import { DataIntegrityAuditLog1765100000000 } from '@atp/platform-integrity';
import type { MigrationClass } from '@atp/platform-database';
import { IdempotencyKeys1764000000100, IdempotencyKeysPerCaller1764990000000 } from '@atp/platform-http';
import { messagingMigrations, ReferenceRejections1764000000020 } from '@atp/platform-messaging';
import { ReplicaTables1764300000000 } from './migrations/1764300000000-replica-tables';
import { SubmissionTables1764300000001 } from './migrations/1764300000001-submission-tables';
import { BulkJobProgress1764995000000 } from './migrations/1764995000000-bulk-job-progress';
import { TenantRls1765200000020 } from './migrations/1765200000020-tenant-rls';

/** Every migration of this service, in order (listed explicitly: bundlers drop glob patterns). */
export const migrations: MigrationClass[] = [
  ...messagingMigrations,
  IdempotencyKeys1764000000100,
  ReplicaTables1764300000000,
  SubmissionTables1764300000001,
  ReferenceRejections1764000000020,
  IdempotencyKeysPerCaller1764990000000,
  BulkJobProgress1764995000000,
  DataIntegrityAuditLog1765100000000,
  // Last: the policies are created on the tables' final shape.
  TenantRls1765200000020,
];
