// Key material of the local token issuers (development and tests). Node built-ins only. Keys are made
// once per folder and reused, so tokens printed earlier stay valid across restarts.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<dir>/signing-key.jwk.json` (private, mode 0600) and `<dir>/jwks.json` (the public set services trust).
 * Returns { kid, privateJwk, jwks, jwksFile, keyFile }.
 */
export function ensureIssuerKeys(dir, kidPrefix = 'local') {
  const keyFile = join(dir, 'signing-key.jwk.json');
  const jwksFile = join(dir, 'jwks.json');
  if (!existsSync(keyFile) || !existsSync(jwksFile)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `${kidPrefix}-${new Date().toISOString().slice(0, 10)}-${Math.random().toString(36).slice(2, 8)}`;
    writeFileSync(keyFile, JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256' }), {
      mode: 0o600,
    });
    writeFileSync(
      jwksFile,
      JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] }, null, 2),
    );
  }
  const privateJwk = JSON.parse(readFileSync(keyFile, 'utf8'));
  const jwks = JSON.parse(readFileSync(jwksFile, 'utf8'));
  return { kid: privateJwk.kid, privateJwk, jwks, jwksFile, keyFile };
}
