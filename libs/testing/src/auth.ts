import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_ISSUER = 'https://issuer.atp.test';
export const TEST_AUDIENCE = 'atp-api';
const KID = 'test-key-1';

export interface TokenOptions {
  /** Platform roles carried by the token (e.g. PLATFORM_ADMIN). */
  roles?: string[];
  /** A time span such as '10m', '30s', '2h'; a negative span ('-1m') makes an expired token. */
  expiresIn?: string;
  audience?: string;
  issuer?: string;
}

export interface TestIssuerEnv {
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  AUTH_JWKS_FILE: string;
  AUTH_JWKS_URL: string;
}

export interface TestIssuer {
  /** The AUTH_* variables a service under test needs to trust this issuer. */
  env: TestIssuerEnv;
  /** A signed bearer token for `userId` (the value of the Authorization header is `Bearer ${token}`). */
  token(userId: string, options?: TokenOptions): Promise<string>;
  /** `{ authorization: 'Bearer …' }`, for supertest's `.set(...)`. */
  headers(userId: string, options?: TokenOptions): Promise<{ authorization: string }>;
  /** `token`, synchronously. */
  tokenSync(userId: string, options?: TokenOptions): string;
}

interface IssuerKeys {
  privateKey: KeyObject;
  kid: string;
  jwksFile: string;
}

let keys: IssuerKeys | undefined;

/**
 * The issuer every service under test trusts: one RS256 key. Under `npm test` it is the run's key
 * (scripts/test.mjs writes it and exports ATP_TEST_ISSUER_KEY_FILE and AUTH_JWKS_FILE); run alone, a
 * key and JWKS file are made once per test process.
 */
function issuerKeys(): IssuerKeys {
  if (keys) return keys;
  const keyFile = process.env.ATP_TEST_ISSUER_KEY_FILE;
  const jwksFile = process.env.AUTH_JWKS_FILE;
  if (keyFile && jwksFile && existsSync(keyFile) && existsSync(jwksFile)) {
    const jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as { kid?: string } & Record<string, unknown>;
    keys = { privateKey: createPrivateKey({ key: jwk as never, format: 'jwk' }), kid: jwk.kid ?? KID, jwksFile };
    return keys;
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const file = join(mkdtempSync(join(tmpdir(), 'atp-test-issuer-')), 'jwks.json');
  writeFileSync(
    file,
    JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] }),
  );
  keys = { privateKey, kid: KID, jwksFile: file };
  return keys;
}

/** The AUTH_* environment of a service under test (spread it into the env the service loads). */
export function testIssuerEnv(): TestIssuerEnv {
  return {
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    AUTH_JWKS_FILE: issuerKeys().jwksFile,
    AUTH_JWKS_URL: '',
  };
}

/** A token of the test issuer, synchronously. */
export function testToken(userId: string, options: TokenOptions = {}): string {
  const { privateKey, kid } = issuerKeys();
  return signJwt(privateKey, { alg: 'RS256', kid, typ: 'JWT' }, claims(userId, options));
}

/** `{ authorization: 'Bearer …' }` of the test issuer for `userId`, for supertest's `.set(...)`. */
export function bearer(userId: string, options: TokenOptions = {}): { authorization: string } {
  return { authorization: `Bearer ${testToken(userId, options)}` };
}

/** The test issuer (kept async for callers written against the first version). */
export function testIssuer(): Promise<TestIssuer> {
  return Promise.resolve({
    env: testIssuerEnv(),
    token: async (userId, options) => testToken(userId, options),
    headers: async (userId, options) => bearer(userId, options),
    tokenSync: testToken,
  });
}

/**
 * Tokens the services must refuse, for access sweeps: each is well formed and names `userId`, and each
 * breaks exactly one rule (expiry, signature, audience, algorithm).
 */
export function refusedTokens(
  userId: string,
): Record<'expired' | 'wronglySigned' | 'wrongAudience' | 'algNone', string> {
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const body = claims(userId, {});
  const unsigned = (header: object, payload: object) =>
    `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
  return {
    expired: testToken(userId, { expiresIn: '-5m' }),
    wronglySigned: signJwt(stranger, { alg: 'RS256', kid: issuerKeys().kid, typ: 'JWT' }, body),
    wrongAudience: testToken(userId, { audience: 'someone-else' }),
    algNone: unsigned({ alg: 'none', typ: 'JWT' }, body),
  };
}

function claims(userId: string, options: TokenOptions): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: userId,
    iss: options.issuer ?? TEST_ISSUER,
    aud: options.audience ?? TEST_AUDIENCE,
    iat: now,
    exp: now + seconds(options.expiresIn ?? '10m'),
    roles: options.roles ?? [],
  };
}

function seconds(span: string): number {
  const match = /^(-?\d+)\s*([smhd])$/.exec(span);
  if (!match) throw new Error(`expiresIn ${span} is not a span like '10m' or '-1m'`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

function signJwt(key: KeyObject, header: object, payload: object): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** Token options of a platform administrator (creates workspaces and users). */
export const PLATFORM_ADMIN: TokenOptions = { roles: ['PLATFORM_ADMIN'] };
