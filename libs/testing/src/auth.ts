import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export const TEST_ISSUER = 'https://issuer.atp.test';
export const TEST_AUDIENCE = 'atp-api';
const KID = 'test-key-1';

export interface TokenOptions {
  /** Platform roles carried by the token (e.g. PLATFORM_ADMIN). */
  roles?: string[];
  /** jose time span, e.g. '5m'; a negative span ('-1m') makes an expired token. */
  expiresIn?: string;
  audience?: string;
  issuer?: string;
}

export interface TestIssuer {
  /** The AUTH_* variables a service under test needs to trust this issuer. */
  env: { AUTH_ISSUER: string; AUTH_AUDIENCE: string; AUTH_JWKS_FILE: string; AUTH_JWKS_URL: string };
  /** A signed bearer token for `userId` (the value of the Authorization header is `Bearer ${token}`). */
  token(userId: string, options?: TokenOptions): Promise<string>;
  /** `{ authorization: 'Bearer …' }`, for supertest's `.set(...)`. */
  headers(userId: string, options?: TokenOptions): Promise<{ authorization: string }>;
}

let issuer: Promise<TestIssuer> | undefined;

/** One RS256 key pair and JWKS file per test process: the issuer every service under test trusts. */
export function testIssuer(): Promise<TestIssuer> {
  issuer ??= createIssuer();
  return issuer;
}

async function createIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const file = join(mkdtempSync(join(tmpdir(), 'atp-test-issuer-')), 'jwks.json');
  writeFileSync(file, JSON.stringify({ keys: [jwk] }));
  const token = (userId: string, options: TokenOptions = {}) => signToken(privateKey, userId, options);
  return {
    env: { AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE, AUTH_JWKS_FILE: file, AUTH_JWKS_URL: '' },
    token,
    headers: async (userId, options) => ({ authorization: `Bearer ${await token(userId, options)}` }),
  };
}

function signToken(key: CryptoKey, userId: string, options: TokenOptions): Promise<string> {
  return new SignJWT({ roles: options.roles ?? [] })
    .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE)
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '10m')
    .sign(key);
}
