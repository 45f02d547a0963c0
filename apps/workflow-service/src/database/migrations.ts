import { MessagingTables1764000000000 } from '@atp/platform-messaging';
import { WorkflowTables1764200000000 } from './migrations/1764200000000-workflow-tables';
import { ReplicaTables1764200000001 } from './migrations/1764200000001-replica-tables';

/** Every migration of this service, in order (listed explicitly: bundlers drop glob patterns). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for migration classes
export const migrations: Function[] = [MessagingTables1764000000000, WorkflowTables1764200000000, ReplicaTables1764200000001];
