// Where the local stack keeps its state, and which ports it uses. Only Node built-ins here:
// stop/status must work even before `npm ci` has installed node_modules.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Everything the stack writes lives here (git-ignored). ATP_LOCAL_DIR moves it, e.g. for a throwaway trial. */
export const LOCAL = resolve(process.env.ATP_LOCAL_DIR || join(ROOT, '.local'));

export const dirs = {
  local: LOCAL,
  pg: join(LOCAL, 'pg'),
  pgData: join(LOCAL, 'pg', 'data'),
  kafka: join(LOCAL, 'kafka'),
  kafkaLibs: join(LOCAL, 'kafka', 'libs'),
  kafkaData: join(LOCAL, 'kafka', 'data'),
  run: join(LOCAL, 'run'),
  logs: join(LOCAL, 'logs'),
};

export const files = {
  stackEnv: join(LOCAL, 'stack.env'),
  // `npm start`'s launcher: `npm run stop` ends it first, or it would restart the apps it stops.
  launcherPid: join(LOCAL, 'run', 'start.pid'),
  lock: join(LOCAL, 'run', 'stack.lock'),
  pgPid: join(LOCAL, 'run', 'postgres.pid'),
  pgLog: join(LOCAL, 'logs', 'postgres.log'),
  kafkaPid: join(LOCAL, 'run', 'kafka.pid'),
  kafkaLog: join(LOCAL, 'logs', 'kafka.log'),
  kafkaProperties: join(LOCAL, 'kafka', 'server.properties'),
  kafkaPom: join(ROOT, 'scripts', 'kafka', 'pom.xml'),
  kafkaLog4j: join(ROOT, 'scripts', 'kafka', 'log4j2.properties'),
  createTopics: join(ROOT, 'scripts', 'create-topics.ts'),
  register: join(ROOT, 'scripts', 'register.cjs'),
};

function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) throw new Error(`${name}=${raw} is not a port number`);
  return value;
}

/** Ports well away from the usual 5432/9092 so a system PostgreSQL or another broker never collides. */
export function ports() {
  return {
    pg: intEnv('ATP_PG_PORT', 55432),
    kafka: intEnv('ATP_KAFKA_PORT', 59092),
    kafkaController: intEnv('ATP_KAFKA_CONTROLLER_PORT', 59093),
  };
}

export const LOOPBACK = '127.0.0.1';
