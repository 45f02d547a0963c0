import { DataIntegrityAuditLog1765100000000 } from '@atp/platform-integrity';
import type { MigrationClass } from '@atp/platform-database';
import { IdempotencyKeysPerCaller1764990000000 } from '@atp/platform-http';
import { messagingMigrations, ReferenceRejections1764000000020 } from '@atp/platform-messaging';
import { WorkflowTables1764200000000 } from './migrations/1764200000000-workflow-tables';
import { ReplicaTables1764200000001 } from './migrations/1764200000001-replica-tables';
import { AdminActionsOverrides1764200000002 } from './migrations/1764200000002-admin-actions-overrides';
import { ReplicaVersions1764200000010 } from './migrations/1764200000010-replica-versions';
import { StartRefusalReasons1764200000016 } from './migrations/1764200000016-start-refusal-reasons';
import { TenantRls1764200000020 } from './migrations/1764200000020-tenant-rls';

/** Every migration of this service, in order (listed explicitly: bundlers drop glob patterns). */
export const migrations: MigrationClass[] = [
  ...messagingMigrations,
  WorkflowTables1764200000000,
  ReplicaTables1764200000001,
  AdminActionsOverrides1764200000002,
  ReplicaVersions1764200000010,
  StartRefusalReasons1764200000016,
  ReferenceRejections1764000000020,
  IdempotencyKeysPerCaller1764990000000,
  TenantRls1764200000020,
  DataIntegrityAuditLog1765100000000,
];
