#!/usr/bin/env node
// `npm run token -- <userId> [--expires 8h]`: a bearer token of the development issuer for a user of the
// directory (seeded or created through the API), with the platform roles config-service grants it. The
// token is alone on the last line of standard output:
//   TOKEN=$(npm run -s token -- u-admin | tail -1)
//   curl -H "authorization: Bearer $TOKEN" localhost:3000/api/v1/workspaces/$WS/config-versions
// Development only: refuses NODE_ENV=production, and works only after `npm start` made the issuer.
import { existsSync, readFileSync } from 'node:fs';
import { files } from './lib/paths.mjs';

const fail = (message) => {
  console.error(`[token] ${message}`);
  process.exit(1);
};

function parseArgs(argv) {
  const args = { userId: undefined, expires: '8h' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--expires') args.expires = argv[++i];
    else if (!args.userId) args.userId = argv[i];
    else fail(`unexpected argument ${argv[i]}`);
  }
  if (!args.userId) fail('usage: npm run token -- <userId> [--expires 8h]');
  if (!/^\d+[smhd]$/.test(args.expires ?? '')) fail(`--expires ${args.expires} is not a span like 30m or 8h`);
  return args;
}

function stackEnv() {
  if (!existsSync(files.stackEnv)) fail('the local stack has never run: `npm start` first');
  return Object.fromEntries(
    readFileSync(files.stackEnv, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** The user and its platform roles, from config-service's own database (the directory). */
async function lookUp(userId) {
  const { default: pg } = await import('pg');
  const url = process.env.CONFIG_DATABASE_URL ?? stackEnv().CONFIG_DATABASE_URL;
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    fail(`cannot reach config-service's database (${error.message}): is \`npm start\` running?`);
  }
  try {
    const { rows } = await client.query(
      `SELECT u.id, u.status, u.is_active, COALESCE(array_agg(g.role) FILTER (WHERE g.role IS NOT NULL), '{}') AS roles
         FROM users u LEFT JOIN platform_role_grants g ON g.user_id = u.id WHERE u.id = $1 GROUP BY u.id`,
      [userId],
    );
    if (rows.length === 0)
      fail(`no user ${userId} in the directory (seeded users: u-admin, u-platform-admin, u-doc-control, …)`);
    if (!rows[0].is_active) fail(`user ${userId} is ${rows[0].status}: the services would refuse it anyway`);
    return rows[0].roles;
  } finally {
    await client.end();
  }
}

async function main() {
  const { userId, expires } = parseArgs(process.argv.slice(2));
  const { devIssuerSigning } = await import('./lib/dev-issuer.mjs');
  let signing;
  try {
    signing = devIssuerSigning();
  } catch (error) {
    fail(error.message);
  }
  const roles = await lookUp(userId);
  const { SignJWT, importJWK } = await import('jose');
  const key = await importJWK(signing.privateJwk, 'RS256');
  const token = await new SignJWT({ roles })
    .setProtectedHeader({ alg: 'RS256', kid: signing.kid, typ: 'JWT' })
    .setIssuer(signing.issuer)
    .setAudience(signing.audience)
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(key);
  console.log(`# ${userId}, platform roles [${roles.join(', ')}], valid ${expires}, issuer ${signing.issuer}`);
  console.log(token);
}

main().catch((error) => fail(error.stack ?? error.message));
