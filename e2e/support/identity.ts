import type { Identity } from './api-client';

/**
 * The caller named in `X-User-Id`: the identity mechanism of the platform until the gateway verifies
 * JWTs from the development issuer (issue 7); then this is replaced by bearer tokens.
 */
export class HeaderIdentity implements Identity {
  async headersFor(userId: string): Promise<Record<string, string>> {
    return { 'x-user-id': userId };
  }
}

export function stackIdentity(): Identity {
  return new HeaderIdentity();
}
