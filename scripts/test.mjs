#!/usr/bin/env node
// `npm test [-- <nx args>]`: every project's lint, typecheck and tests against the real local
// PostgreSQL and Kafka. The `_test` databases are dropped, recreated and migrated first, so each run
// starts clean; the stack is left running for the next run. Exits with nx's exit code.
//   npm test -- --projects=contracts
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureDependencies } from './lib/deps.mjs';
import { files, LOCAL, ROOT } from './lib/paths.mjs';
import { SERVICES, envPrefix } from './lib/services.mjs';
import { ensureIssuerKeys } from './lib/issuer.mjs';

const say = (msg) => console.log(`[test] ${msg}`);

async function main() {
  const t0 = Date.now();
  await ensureDependencies();
  const { stackUp, pgTarget } = await import('./lib/stack.mjs');
  const { recreateTestDatabases } = await import('./lib/postgres.mjs');
  const { runMigrations } = await import('./lib/migrations.mjs');

  const stackEnv = await stackUp();
  const adminUrl = stackEnv.ATP_PG_ADMIN_URL ?? pgTarget().adminUrl;
  await recreateTestDatabases(adminUrl);
  say('test databases dropped and recreated');
  await runMigrations(stackEnv, { test: true, log: (m) => say(`migrate: ${m}`) });

  const env = {
    ...process.env,
    NX_NO_CLOUD: 'true',
    NX_DAEMON: 'false',
    NX_TUI: 'false',
    KAFKA_BROKERS: stackEnv.KAFKA_BROKERS,
    ATP_PG_HOST: stackEnv.ATP_PG_HOST,
    ATP_PG_PORT: stackEnv.ATP_PG_PORT,
    // Superuser, for tests that inspect the catalog, create scratch databases or kill connections.
    ATP_PG_ADMIN_URL: adminUrl,
    // Tests may restart the broker (scripts/kafka-control.mjs restart) and read its PID.
    ATP_KAFKA_PID_FILE: files.kafkaPid,
    ATP_STACK_SCRIPT: 'scripts/stack.mjs',
    ATP_KAFKA_CONTROL_SCRIPT: 'scripts/kafka-control.mjs',
    ATP_STACK_ENV_FILE: files.stackEnv,
  };
  // One token issuer for the whole run: services under test trust its JWKS file, @atp/testing signs with its key.
  const issuer = ensureIssuerKeys(join(LOCAL, 'test-issuer'), 'test');
  Object.assign(env, {
    AUTH_ISSUER: 'https://issuer.atp.test',
    AUTH_AUDIENCE: 'atp-api',
    AUTH_JWKS_FILE: issuer.jwksFile,
    AUTH_JWKS_URL: '',
    ATP_TEST_ISSUER_KEY_FILE: issuer.keyFile,
  });
  for (const svc of SERVICES) {
    const p = envPrefix(svc);
    // Tests only ever see the `_test` databases, under the plain names and the explicit ones.
    env[`${p}_DATABASE_URL`] = stackEnv[`${p}_TEST_DATABASE_URL`];
    env[`${p}_MIGRATION_DATABASE_URL`] = stackEnv[`${p}_TEST_MIGRATION_DATABASE_URL`];
    env[`${p}_TEST_DATABASE_URL`] = stackEnv[`${p}_TEST_DATABASE_URL`];
    env[`${p}_TEST_MIGRATION_DATABASE_URL`] = stackEnv[`${p}_TEST_MIGRATION_DATABASE_URL`];
  }

  const args = [
    '--no-install',
    'nx',
    'run-many',
    '-t',
    'lint',
    'typecheck',
    'test',
    '--outputStyle=static',
    '--skip-nx-cache',
    ...process.argv.slice(2),
  ];
  say(`npx ${args.join(' ')}`);
  const { code, totals } = await runNx(args, env);
  if (totals.found) {
    // One closing line for whoever reads the end of the log (CI counts it).
    console.log(
      `\njest: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
    );
  }
  say(
    `nx exited with ${code} after ${((Date.now() - t0) / 1000).toFixed(0)} s; the stack stays up (\`npm run stop\` stops it)`,
  );
  return code;
}

/** Runs nx, passing its output through, and adds up jest's "Tests:" summary lines on the way. */
function runNx(args, env) {
  const totals = { found: false, passed: 0, failed: 0, skipped: 0 };
  const scan = (text) => {
    for (const line of text.split('\n')) {
      // Jest: "Tests:       1 failed, 2 skipped, 40 passed, 43 total" (ANSI colours stripped)
      const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
      const m = /^\s*Tests:\s+(.*\d+ total)/.exec(plain);
      if (!m) continue;
      totals.found = true;
      for (const [, n, kind] of m[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
        if (kind === 'passed') totals.passed += Number(n);
        else if (kind === 'failed') totals.failed += Number(n);
        else totals.skipped += Number(n);
      }
    }
  };
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, { cwd: ROOT, env, stdio: ['inherit', 'pipe', 'pipe'] });
    let carry = { out: '', err: '' };
    const pipe = (stream, key, target) =>
      stream.on('data', (d) => {
        target.write(d);
        const text = carry[key] + d.toString();
        const cut = text.lastIndexOf('\n');
        scan(text.slice(0, cut + 1));
        carry[key] = text.slice(cut + 1);
      });
    pipe(child.stdout, 'out', process.stdout);
    pipe(child.stderr, 'err', process.stderr);
    // Ctrl-C reaches nx through the terminal's process group; just wait for it to finish.
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      scan(`${carry.out}\n${carry.err}\n`);
      resolve({ code: code ?? (signal ? 130 : 1), totals });
    });
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[test] ${err.message}`);
    process.exit(1);
  },
);
