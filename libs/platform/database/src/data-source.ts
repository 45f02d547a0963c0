import * as pg from 'pg';
import { DataSource, type EntitySchema } from 'typeorm';
import { AfterCommitSubscriber } from './transaction';

/* eslint-disable @typescript-eslint/no-unsafe-function-type -- TypeORM types these options as Function. */
/** A migration or entity class, as TypeORM's options take them. */
export type MigrationClass = Function;
export type EntityClass = Function | EntitySchema;
/* eslint-enable @typescript-eslint/no-unsafe-function-type */

export interface ServiceDataSourceOptions {
  url: string;
  /** Appears in pg_stat_activity, so an operator can tell which service holds a connection. */
  applicationName: string;
  entities?: EntityClass[];
  /** Listed explicitly: bundlers drop glob patterns, and an explicit list is reviewable. */
  migrations?: MigrationClass[];
  poolSize?: number;
}

// timestamptz and timestamp come back as JS Dates; bigint (int8) stays a string by default, which
// is right for ids and offsets. COUNT(*) results are parsed where they are read.
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    driver: pg,
    url: options.url,
    applicationName: options.applicationName,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    subscribers: [AfterCommitSubscriber],
    // Each service has its own migrations table name, so one glance tells whose history it is.
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
    },
  });
}
