import { readFileSync, statSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { DomainError } from '@atp/platform-http';
import type { AuthSettings } from './auth-env';

export interface VerifiedToken {
  userId: string;
  platformRoles: string[];
}

type KeyResolver = Parameters<typeof jwtVerify>[1];

const USER_ID = /^[A-Za-z0-9._:@|-]{1,100}$/;

/**
 * A verified token is remembered this long at most (and never past its own expiry): a client sends the same
 * token with every request, and its RSA signature check is most of the guard's cost. The bound is how late a key
 * withdrawn from the JWKS stops being accepted for tokens already seen.
 */
const VERIFIED_CACHE_MS = 30_000;
const VERIFIED_CACHE_ENTRIES = 10_000;

export class UnauthenticatedError extends DomainError {
  constructor(message: string) {
    super(401, 'UNAUTHENTICATED', message);
  }
}

/**
 * Verifies bearer JWTs against the issuer's JWKS: signature (asymmetric algorithms only), issuer,
 * audience, expiry and not-before with a small clock skew. A key rotation is picked up by `kid`: the
 * remote set refetches on an unknown `kid`, the file set is reread when the file changes.
 */
export class TokenVerifier {
  private fileKeys?: { mtimeMs: number; resolve: KeyResolver };
  private readonly remoteKeys?: KeyResolver;
  private readonly verified = new Map<string, { token: VerifiedToken; until: number }>();

  constructor(private readonly settings: AuthSettings) {
    if (settings.jwksUrl) this.remoteKeys = createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 5_000 });
  }

  async verify(authorization: string | undefined): Promise<VerifiedToken> {
    if (!authorization) throw new UnauthenticatedError('An Authorization: Bearer token is required');
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization);
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');
    const cached = this.verified.get(match[1]);
    if (cached && Date.now() < cached.until) return cached.token;
    if (cached) this.verified.delete(match[1]);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], this.keys(), {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: [...this.settings.algorithms],
        clockTolerance: this.settings.clockSkewSeconds,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw new UnauthenticatedError(describeRefusal(error));
    }
    if (typeof payload.sub !== 'string' || !USER_ID.test(payload.sub)) {
      throw new UnauthenticatedError('The token subject is not a user id');
    }
    const roles = (payload as { roles?: unknown }).roles;
    const platformRoles = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
    const token = { userId: payload.sub, platformRoles };
    this.remember(match[1], token, (payload.exp as number) * 1000 + this.settings.clockSkewSeconds * 1000);
    return token;
  }

  private remember(raw: string, token: VerifiedToken, expiresAt: number): void {
    if (this.verified.size >= VERIFIED_CACHE_ENTRIES) {
      // Oldest first (a Map keeps insertion order): one eviction per insertion keeps the bound.
      this.verified.delete(this.verified.keys().next().value as string);
    }
    this.verified.set(raw, { token, until: Math.min(expiresAt, Date.now() + VERIFIED_CACHE_MS) });
  }

  private keys(): KeyResolver {
    if (this.remoteKeys) return this.remoteKeys;
    const file = this.settings.jwksFile as string;
    const { mtimeMs } = statSync(file);
    if (!this.fileKeys || this.fileKeys.mtimeMs !== mtimeMs) {
      const jwks = JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet;
      this.fileKeys = { mtimeMs, resolve: createLocalJWKSet(jwks) };
    }
    return this.fileKeys.resolve;
  }
}

/** The reason for a refused token, in words a client can act on (never the key material). */
function describeRefusal(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm that is not accepted';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token is not signed by a known key';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is invalid';
  return 'The token is not valid';
}
