// The development token issuer of `npm start` (architecture §7): an RS256 key made once under
// .local/issuer/, its JWKS served on loopback for the services, and the facts `npm run token` needs.
// Never in production: both the server and the token command refuse NODE_ENV=production.
import { createServer } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureIssuerKeys } from './issuer.mjs';
import { LOCAL, LOOPBACK } from './paths.mjs';
import { DEV_ISSUER_PORT } from './services.mjs';

export const DEV_ISSUER_DIR = join(LOCAL, 'issuer');
const INFO_FILE = join(DEV_ISSUER_DIR, 'issuer.json');
export const DEV_AUDIENCE = 'atp-api';

export function refuseInProduction(what) {
  if (process.env.NODE_ENV === 'production') {
    throw new Error(`${what} is for local development only and refuses to run with NODE_ENV=production`);
  }
}

/**
 * Serves GET /.well-known/jwks.json and /.well-known/openid-configuration on 127.0.0.1:<ATP_PORT_BASE + 9>
 * (`listenHost` changes only where it listens: docker-compose's issuer container listens on every interface,
 * while `iss` stays the loopback address `npm run token` signs with).
 * Resolves { env, close }: env holds the AUTH_* variables every service gets.
 */
export async function startDevIssuer({ listenHost = LOOPBACK } = {}) {
  refuseInProduction('The development token issuer');
  const keys = ensureIssuerKeys(DEV_ISSUER_DIR, 'dev');
  const issuer = `http://${LOOPBACK}:${DEV_ISSUER_PORT}`;
  const jwksUrl = `${issuer}/.well-known/jwks.json`;
  const server = createServer((request, response) => {
    const body = {
      '/.well-known/jwks.json': () => JSON.parse(readFileSync(keys.jwksFile, 'utf8')),
      '/.well-known/openid-configuration': () => ({
        issuer,
        jwks_uri: jwksUrl,
        id_token_signing_alg_values_supported: ['RS256'],
      }),
    }[request.url ?? ''];
    if (request.method !== 'GET' || !body) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
      .end(JSON.stringify(body()));
  });
  await new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(new Error(`the development issuer cannot listen on ${issuer}: ${error.message}`)),
    );
    server.listen(DEV_ISSUER_PORT, listenHost, resolve);
  });
  writeFileSync(INFO_FILE, JSON.stringify({ issuer, audience: DEV_AUDIENCE, jwksUrl }, null, 2));
  return {
    issuer,
    env: { AUTH_ISSUER: issuer, AUTH_AUDIENCE: DEV_AUDIENCE, AUTH_JWKS_URL: jwksUrl, AUTH_JWKS_FILE: '' },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What `npm run token` signs with: the key and the issuer of the last `npm start`. */
export function devIssuerSigning() {
  refuseInProduction('npm run token');
  if (!existsSync(INFO_FILE)) throw new Error('no development issuer yet: run `npm start` first');
  const info = JSON.parse(readFileSync(INFO_FILE, 'utf8'));
  return { ...info, ...ensureIssuerKeys(DEV_ISSUER_DIR, 'dev') };
}
