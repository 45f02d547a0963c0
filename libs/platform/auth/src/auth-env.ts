import type { EnvSchema } from '@atp/platform-config';

/**
 * How a service verifies bearer tokens (architecture §7): the issuer's keys come from a JWKS URL
 * (production: the OIDC provider) or a JWKS file (the local development issuer writes one).
 */
export const authEnvSchema = {
  AUTH_ISSUER: { kind: 'string', description: 'expected `iss` of every token' },
  AUTH_AUDIENCE: { kind: 'string', default: 'atp-api', description: 'expected `aud` of every token' },
  AUTH_JWKS_URL: { kind: 'string', default: '', description: 'JWKS endpoint of the issuer (http or https)' },
  AUTH_JWKS_FILE: { kind: 'string', default: '', description: 'a JWKS JSON file, instead of AUTH_JWKS_URL' },
  AUTH_ALGORITHMS: { kind: 'list', default: ['RS256', 'ES256'], description: 'accepted signature algorithms' },
  AUTH_CLOCK_SKEW_SECONDS: { kind: 'int', min: 0, max: 300, default: 30 },
} as const satisfies EnvSchema;

export interface AuthSettings {
  issuer: string;
  audience: string;
  jwksUrl?: string;
  jwksFile?: string;
  algorithms: readonly string[];
  clockSkewSeconds: number;
}

export function authSettingsFrom(env: {
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  AUTH_JWKS_URL: string;
  AUTH_JWKS_FILE: string;
  AUTH_ALGORITHMS: readonly string[];
  AUTH_CLOCK_SKEW_SECONDS: number;
}): AuthSettings {
  if (!env.AUTH_JWKS_URL === !env.AUTH_JWKS_FILE) {
    throw new Error('exactly one of AUTH_JWKS_URL and AUTH_JWKS_FILE must be set');
  }
  if (env.AUTH_ALGORITHMS.some((alg) => alg.toLowerCase() === 'none' || alg.startsWith('HS'))) {
    // Symmetric keys would let every service mint tokens; `none` would let anyone.
    throw new Error('AUTH_ALGORITHMS may only name asymmetric algorithms');
  }
  return {
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    jwksUrl: env.AUTH_JWKS_URL || undefined,
    jwksFile: env.AUTH_JWKS_FILE || undefined,
    algorithms: env.AUTH_ALGORITHMS,
    clockSkewSeconds: env.AUTH_CLOCK_SKEW_SECONDS,
  };
}
