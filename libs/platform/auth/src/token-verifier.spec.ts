import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { TokenVerifier } from './token-verifier';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'atp-api';

async function keyPair(kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function sign(
  key: CryptoKey,
  kid: string,
  claims: Record<string, unknown> = {},
  expiresIn = '5m',
  audience = AUDIENCE,
) {
  return new SignJWT({ roles: ['PLATFORM_ADMIN'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setSubject('u-admin')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

describe('TokenVerifier', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jwks-'));
  const file = join(dir, 'jwks.json');
  let current: { privateKey: CryptoKey; jwk: JWK };
  let verifier: TokenVerifier;

  beforeAll(async () => {
    current = await keyPair('k1');
    writeFileSync(file, JSON.stringify({ keys: [current.jwk] }));
    verifier = new TokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksFile: file,
      algorithms: ['RS256'],
      clockSkewSeconds: 5,
    });
  });

  it('accepts a valid token and reads the subject and platform roles', async () => {
    const token = await sign(current.privateKey, 'k1');
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({
      userId: 'u-admin',
      platformRoles: ['PLATFORM_ADMIN'],
    });
  });

  it.each([
    ['no header', async () => undefined, /required/],
    ['not a bearer header', async () => 'Basic dTpw', /Bearer/],
    ['an expired token', async () => `Bearer ${await sign(current.privateKey, 'k1', {}, '-1m')}`, /expired/],
    ['a wrong audience', async () => `Bearer ${await sign(current.privateKey, 'k1', {}, '5m', 'other')}`, /aud/],
    [
      'alg none',
      async () => {
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        const body = Buffer.from(JSON.stringify({ sub: 'u-admin', iss: ISSUER, aud: AUDIENCE, exp: 9e9 })).toString(
          'base64url',
        );
        return `Bearer ${header}.${body}.`;
      },
      /not valid|algorithm/,
    ],
    ['a key of nobody', async () => `Bearer ${await sign((await keyPair('k1')).privateKey, 'k1')}`, /signature/],
    ['an unknown kid', async () => `Bearer ${await sign((await keyPair('k9')).privateKey, 'k9')}`, /known key/],
  ])('refuses %s with 401', async (_name, header, message) => {
    await expect(verifier.verify(await header())).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(message),
    });
  });

  it("serves a token it verified again without a new signature check, but never past the token's expiry", async () => {
    const strict = new TokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksFile: file,
      algorithms: ['RS256'],
      clockSkewSeconds: 0,
    });
    const header = `Bearer ${await sign(current.privateKey, 'k1', {}, '2s')}`;
    await expect(strict.verify(header)).resolves.toMatchObject({ userId: 'u-admin' });
    await expect(strict.verify(header)).resolves.toMatchObject({ userId: 'u-admin' });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(strict.verify(header)).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/expired/),
    });
  });

  it('picks up a rotated key from the JWKS file', async () => {
    const next = await keyPair('k2');
    writeFileSync(file, JSON.stringify({ keys: [current.jwk, next.jwk] }));
    const { utimesSync } = await import('node:fs');
    utimesSync(file, new Date(), new Date(Date.now() + 1000)); // make sure the mtime moves
    await expect(verifier.verify(`Bearer ${await sign(next.privateKey, 'k2')}`)).resolves.toMatchObject({
      userId: 'u-admin',
    });
  });
});
