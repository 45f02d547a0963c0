import { loadEnv, migrationEnvSchema } from '@atp/platform-config';
import { createServiceDataSource, roleOfUrl, runMigrations } from '@atp/platform-database';
import { migrations } from './migrations';
import { extraGrants } from './grants';

/** `nx run gateway:migrate`: applies pending migrations as the owner, then grants the service role. */
async function main(): Promise<void> {
  const env = loadEnv(migrationEnvSchema, process.env);
  const applied = await runMigrations({
    ownerDataSource: createServiceDataSource({ url: env.DATABASE_MIGRATION_URL, applicationName: 'gateway-migrate', migrations }),
    appRole: roleOfUrl(env.DATABASE_URL),
    extraGrants,
    log: (line) => console.log(`[gateway] ${line}`),
  });
  console.log(`[gateway] migrations up to date (${applied.length} applied now)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
