import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Identity } from './api-client';
import { USERS } from './demo-data';

/**
 * Signs like scripts/token.mjs: the development issuer's key, its issuer and audience (issuer.json).
 * One token per user, renewed well before its ten minutes are up (signing is the costly part).
 */
export class DevIssuerIdentity implements Identity {
  private readonly info: { issuer: string; audience: string };
  private readonly jwk: { kid: string };
  private readonly key: KeyObject;
  private readonly cache = new Map<string, { header: string; until: number }>();

  constructor(local: string) {
    this.info = JSON.parse(readFileSync(path.join(local, 'issuer', 'issuer.json'), 'utf8'));
    this.jwk = JSON.parse(readFileSync(path.join(local, 'issuer', 'signing-key.jwk.json'), 'utf8'));
    this.key = createPrivateKey({ key: this.jwk as never, format: 'jwk' });
  }

  async headersFor(userId: string): Promise<Record<string, string>> {
    const cached = this.cache.get(userId);
    if (cached && cached.until > Date.now()) return { authorization: cached.header };
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part({ alg: 'RS256', kid: this.jwk.kid, typ: 'JWT' })}.${part({
      sub: userId,
      iss: this.info.issuer,
      aud: this.info.audience,
      iat: now,
      exp: now + 600,
      roles: userId === USERS.platformAdmin ? ['PLATFORM_ADMIN'] : [],
    })}`;
    const header = `Bearer ${input}.${sign('sha256', Buffer.from(input), this.key).toString('base64url')}`;
    this.cache.set(userId, { header, until: Date.now() + 300_000 });
    return { authorization: header };
  }
}

/** The variables `npm start` wrote to .local/stack.env (broker and database URLs of the dev stack). */
export function stackEnvOf(local: string): Record<string, string> {
  const text = readFileSync(path.join(local, 'stack.env'), 'utf8');
  const lines = text.split('\n').filter((l) => /^[A-Z_]+=/.test(l));
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
