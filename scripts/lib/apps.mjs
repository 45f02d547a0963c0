// Launching and stopping the five applications (used by start.mjs and stop.mjs).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, appendFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { dirs, files, LOOPBACK, ROOT } from './paths.mjs';
import { cmdlineOf, isAlive, lineWriter, readPid, removeFile, stopPid, writePid } from './proc.mjs';
import { SERVICES, envPrefix, mainFile } from './services.mjs';

export const APP_STOP_GRACE_MS = 10_000;

export const pidFileOf = (svc) => join(dirs.run, `${svc.app}.pid`);
export const logFileOf = (svc) => join(dirs.logs, `${svc.app}.log`);
const relMain = (svc) => `apps/${svc.app}/src/main.ts`;

/** PID of a running instance of the app started by us (PID file + matching command line), else null. */
export function appPid(svc) {
  const pid = readPid(pidFileOf(svc));
  return pid && isAlive(pid) && cmdlineOf(pid).includes(relMain(svc)) ? pid : null;
}

/** The environment of one app, with the same names docker-compose.yml uses. */
export function appEnv(svc, stackEnv) {
  const p = envPrefix(svc);
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    SERVICE_NAME: svc.app,
    PORT: String(svc.port),
    DATABASE_URL: stackEnv[`${p}_DATABASE_URL`],
    DATABASE_MIGRATION_URL: stackEnv[`${p}_MIGRATION_DATABASE_URL`],
    KAFKA_BROKERS: stackEnv.KAFKA_BROKERS,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // The orphan audit of every workspace runs every minute locally (architecture §5.5).
    INTEGRITY_AUDIT_INTERVAL_MS: process.env.INTEGRITY_AUDIT_INTERVAL_MS ?? '60000',
  };
  // How to verify bearer tokens: the development issuer's AUTH_* (set by start.mjs), or the caller's own.
  for (const [name, value] of Object.entries(stackEnv)) if (name.startsWith('AUTH_')) env[name] = value;
  if (svc.key === 'gateway') {
    for (const other of SERVICES.filter((s) => s.key !== 'gateway')) {
      env[`${envPrefix(other)}_SERVICE_URL`] = `http://${LOOPBACK}:${other.port}`;
    }
  }
  return env;
}

/**
 * Starts one app detached (its own process group), writing straight to its log file: it keeps
 * running and logging even if the launcher dies, and `npm run stop` finds it by its PID file.
 * Resolves { pid, logStart } (logStart = where this run's output begins in the log).
 */
export function launchApp(svc, stackEnv) {
  mkdirSync(dirs.logs, { recursive: true });
  const log = logFileOf(svc);
  appendFileSync(log, `\n===== ${new Date().toISOString()} starting ${svc.app} on :${svc.port} =====\n`);
  const logStart = statSync(log).size;
  const fd = openSync(log, 'a');
  // ATP_APP_NODE_ARGS reaches every app's node, e.g. `--cpu-prof --cpu-prof-dir=.local/profiles` for a CPU profile
  // of each process, written when it stops (`npm run stop`).
  const nodeArgs = (process.env.ATP_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '-r', './scripts/register.cjs', relMain(svc)], {
    cwd: ROOT,
    env: appEnv(svc, stackEnv),
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  writePid(pidFileOf(svc), child.pid);
  return { pid: child.pid, logStart, child };
}

/** GET /health/ready → true on 200. */
export function ready(port) {
  return new Promise((resolve) => {
    const req = get({ host: LOOPBACK, port, path: '/health/ready', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** SIGTERM (Nest's shutdown hooks drain consumers and pools), SIGKILL after 10 s. */
export async function stopApp(svc, pid = appPid(svc)) {
  if (!pid) {
    removeFile(pidFileOf(svc));
    return false;
  }
  await stopPid(pid, { signal: 'SIGTERM', graceMs: APP_STOP_GRACE_MS });
  removeFile(pidFileOf(svc));
  return true;
}

/** Stops every app found by PID file, gateway first (it forwards to the others), all in parallel after it. */
export async function stopAllApps(log = () => {}) {
  const ordered = [...SERVICES].sort((a, b) => (a.key === 'gateway' ? -1 : b.key === 'gateway' ? 1 : 0));
  const gateway = ordered[0];
  if (await stopApp(gateway)) log(`${gateway.app} stopped`);
  await Promise.all(
    ordered.slice(1).map(async (svc) => {
      if (await stopApp(svc)) log(`${svc.app} stopped`);
    }),
  );
}

/** Follows a log file from an offset and prints new lines behind a prefix (polling: simple and portable). */
export function followLog(file, from, prefix) {
  let offset = from;
  const writer = lineWriter(prefix, process.stdout);
  const tick = () => {
    try {
      const size = statSync(file).size;
      if (size < offset) offset = 0; // truncated
      if (size > offset) {
        const buf = readFileSync(file).subarray(offset, size);
        offset = size;
        writer.write(buf);
      }
    } catch {
      /* not there yet */
    }
  };
  const timer = setInterval(tick, 200);
  return {
    stop() {
      clearInterval(timer);
      tick();
      writer.flush();
    },
  };
}

export const appExists = (svc) => existsSync(mainFile(svc));
