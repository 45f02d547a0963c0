import type { DataSource } from 'typeorm';
import { loadEnv, migrationEnvSchema } from '@atp/platform-config';
import { createServiceDataSource, type MigrationClass } from './data-source';

export interface MigrationRunOptions {
  /** Built with the owner's connection: migrations create objects the service role only uses. */
  ownerDataSource: DataSource;
  /** The runtime role; receives DML on every table and sequence after the migrations ran. */
  appRole: string;
  /** Statements run after the standard grants, e.g. revoking UPDATE on an append-only table. */
  extraGrants?: (appRole: string) => string[];
  log?: (line: string) => void;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Refusing unusual role name "${name}"`);
  return `"${name}"`;
}

/**
 * Runs pending migrations, then grants the runtime role exactly what it needs. Grants are applied
 * on every run because the role's name is deployment configuration, not schema.
 */
export async function runMigrations(options: MigrationRunOptions): Promise<string[]> {
  const { ownerDataSource: ds, log = () => undefined } = options;
  if (!ds.isInitialized) await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    for (const migration of applied) log(`applied ${migration.name}`);
    const role = quoteIdent(options.appRole);
    const statements = [
      `GRANT USAGE ON SCHEMA public TO ${role}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
      `REVOKE ALL ON schema_migrations FROM ${role}`,
      ...(options.extraGrants?.(role) ?? []),
    ];
    for (const statement of statements) await ds.query(statement);
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

export function roleOfUrl(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

export interface ServiceMigrationsOptions {
  /** The service's name, for the log lines and the connection's application_name. */
  name: string;
  migrations: MigrationClass[];
  extraGrants?: (appRole: string) => string[];
}

/**
 * A service's `migrate.ts` (`nx run <service>:migrate`): applies pending migrations as the owner
 * (`DATABASE_MIGRATION_URL`), then grants the runtime role of `DATABASE_URL`. Exits 1 on failure.
 */
export async function runServiceMigrations(options: ServiceMigrationsOptions): Promise<void> {
  const log = (line: string) => console.log(`[${options.name}] ${line}`);
  try {
    const env = loadEnv(migrationEnvSchema, process.env);
    const applied = await runMigrations({
      ownerDataSource: createServiceDataSource({
        url: env.DATABASE_MIGRATION_URL,
        applicationName: `${options.name}-migrate`,
        migrations: options.migrations,
      }),
      appRole: roleOfUrl(env.DATABASE_URL),
      extraGrants: options.extraGrants,
      log,
    });
    log(`migrations up to date (${applied.length} applied now)`);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
