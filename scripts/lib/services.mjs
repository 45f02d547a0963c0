// The five deployables, their ports and their databases: one source for start, test, migrate and stack.env.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';

/**
 * `key` names the database (`atp_<key>`), the roles and the env prefix (`<KEY>_DATABASE_URL`);
 * `app` is the folder under apps/. Services come before the gateway: start order, and the gateway
 * forwards to them.
 */
// ATP_PORT_BASE moves all five ports together (default 3000: the gateway on 3000, services on 3001-3004),
// so a second checkout can run its own `npm start` beside the first.
const PORT_BASE = Number.parseInt(process.env.ATP_PORT_BASE || '3000', 10);

export const SERVICES = [
  { key: 'config', app: 'config-service', port: PORT_BASE + 1 },
  { key: 'workflow', app: 'workflow-service', port: PORT_BASE + 2 },
  { key: 'submission', app: 'submission-service', port: PORT_BASE + 3 },
  { key: 'punchlist', app: 'punchlist-service', port: PORT_BASE + 4 },
  { key: 'gateway', app: 'gateway', port: PORT_BASE },
];

/** The development token issuer of `npm start` (scripts/lib/dev-issuer.mjs) serves its JWKS here. */
export const DEV_ISSUER_PORT = PORT_BASE + 9;

export const envPrefix = (svc) => svc.key.toUpperCase();
export const mainFile = (svc) => join(ROOT, 'apps', svc.app, 'src', 'main.ts');
export const migrateFile = (svc) => join(ROOT, 'apps', svc.app, 'src', 'database', 'migrate.ts');
export const hasMain = (svc) => existsSync(mainFile(svc));
export const hasMigrations = (svc) => existsSync(migrateFile(svc));

/** Role and database names of one service; passwords equal role names (local development only). */
export function dbNames(svc) {
  return {
    owner: `atp_${svc.key}`,
    app: `atp_${svc.key}_app`,
    db: `atp_${svc.key}`,
    testDb: `atp_${svc.key}_test`,
  };
}

export function pgUrl({ user, password, host, port, database }) {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`;
}

/** The stack.env entries of every service for a server at host:port. */
export function serviceDbEnv(host, port) {
  const env = {};
  for (const svc of SERVICES) {
    const n = dbNames(svc);
    const p = envPrefix(svc);
    const url = (user, database) => pgUrl({ user, password: user, host, port, database });
    env[`${p}_DATABASE_URL`] = url(n.app, n.db);
    env[`${p}_MIGRATION_DATABASE_URL`] = url(n.owner, n.db);
    env[`${p}_TEST_DATABASE_URL`] = url(n.app, n.testDb);
    env[`${p}_TEST_MIGRATION_DATABASE_URL`] = url(n.owner, n.testDb);
  }
  return env;
}
