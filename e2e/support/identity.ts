import { testToken } from '@atp/testing';
import type { Identity } from './api-client';

/** Users whose tokens carry a platform role (the directory's platform_role_grants, as `npm run token` reads them). */
export const PLATFORM_ROLES: Readonly<Record<string, string[]>> = { 'u-platform-admin': ['PLATFORM_ADMIN'] };

/**
 * Bearer tokens of the run's token issuer (scripts/test.mjs makes its key and gives the services its
 * JWKS; `npm run token` does the same with the development issuer's key under `npm start`). One token
 * per user, renewed well before it expires.
 */
export class BearerIdentity implements Identity {
  private readonly cache = new Map<string, { token: string; until: number }>();

  async headersFor(userId: string): Promise<Record<string, string>> {
    let cached = this.cache.get(userId);
    if (!cached || cached.until < Date.now()) {
      cached = {
        token: testToken(userId, { roles: PLATFORM_ROLES[userId] ?? [], expiresIn: '2h' }),
        until: Date.now() + 3_600_000,
      };
      this.cache.set(userId, cached);
    }
    return { authorization: `Bearer ${cached.token}` };
  }
}

export function stackIdentity(): Identity {
  return new BearerIdentity();
}
