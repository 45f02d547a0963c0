// Runs each service's own migration entry point (apps/<app>/src/database/migrate.ts) as the owner
// role. Services whose migrate.ts does not exist yet are skipped, so the stack works while apps are written.
import { files, ROOT } from './paths.mjs';
import { label, runPrefixed } from './proc.mjs';
import { SERVICES, envPrefix, hasMigrations, migrateFile } from './services.mjs';

/**
 * @param stackEnv entries of .local/stack.env
 * @param test     migrate the `_test` databases instead of the development ones
 */
export async function runMigrations(stackEnv, { test = false, only, log = console.log } = {}) {
  const done = [];
  for (const [i, svc] of SERVICES.entries()) {
    if (only && only.length && !only.includes(svc.key) && !only.includes(svc.app)) continue;
    if (!hasMigrations(svc)) {
      log(`${svc.app}: no src/database/migrate.ts yet; skipped`);
      continue;
    }
    const key = test ? `${envPrefix(svc)}_TEST` : envPrefix(svc);
    const env = {
      ...process.env,
      NODE_ENV: test ? 'test' : 'development',
      SERVICE_NAME: svc.app,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      KAFKA_BROKERS: stackEnv.KAFKA_BROKERS,
      DATABASE_URL: stackEnv[`${key}_DATABASE_URL`],
      DATABASE_MIGRATION_URL: stackEnv[`${key}_MIGRATION_DATABASE_URL`],
    };
    const started = Date.now();
    const code = await runPrefixed(process.execPath, ['-r', files.register, migrateFile(svc)], {
      cwd: ROOT,
      env,
      prefix: label(`migrate ${svc.app}`, i),
    });
    if (code !== 0) throw new Error(`migrations of ${svc.app} failed (exit ${code})`);
    log(`${svc.app}: migrated${test ? ' (test database)' : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    done.push(svc.app);
  }
  return done;
}
