import type { AppEnv } from '../config/env';

/** What a request carries, which sets its body limit and its total time (contract "Limits"). */
export type RouteClass = 'json' | 'decision' | 'document' | 'spreadsheet' | 'bulk';

const CLASSES: ReadonlyArray<{ pattern: RegExp; routeClass: RouteClass }> = [
  { pattern: /^\/api\/v1\/workspaces\/[^/]+\/submissions\/bulk$/, routeClass: 'bulk' },
  { pattern: /^\/api\/v1\/workspaces\/[^/]+\/workflows\/[^/]+\/stages\/[^/]+\/decisions$/, routeClass: 'decision' },
  { pattern: /^\/api\/v1\/workspaces\/[^/]+\/submissions\/[^/]+\/documents$/, routeClass: 'document' },
  { pattern: /^\/api\/v1\/workspaces\/[^/]+\/punchlists\/[^/]+\/items\/[^/]+\/rectify$/, routeClass: 'document' },
  { pattern: /^\/api\/v1\/workspaces\/[^/]+\/config-versions\/import$/, routeClass: 'spreadsheet' },
  { pattern: /^\/api\/v1\/workspaces\/[^/]+\/sites\/import$/, routeClass: 'spreadsheet' },
];

export function routeClassOf(path: string): RouteClass {
  const bare = path.split('?')[0].replace(/\/+$/, '');
  return CLASSES.find((c) => c.pattern.test(bare))?.routeClass ?? 'json';
}

export interface RouteLimits {
  maxBodyBytes: number;
  totalTimeoutMs: number;
}

export function limitsOf(routeClass: RouteClass, env: AppEnv): RouteLimits {
  switch (routeClass) {
    case 'json':
      return { maxBodyBytes: env.BODY_LIMIT_JSON_BYTES, totalTimeoutMs: env.REQUEST_TIMEOUT_MS };
    case 'decision':
      return { maxBodyBytes: env.BODY_LIMIT_DECISION_BYTES, totalTimeoutMs: env.REQUEST_TIMEOUT_MS };
    case 'document':
      return { maxBodyBytes: env.BODY_LIMIT_DOCUMENT_BYTES, totalTimeoutMs: env.UPLOAD_TIMEOUT_MS };
    case 'spreadsheet':
      return { maxBodyBytes: env.BODY_LIMIT_SPREADSHEET_BYTES, totalTimeoutMs: env.UPLOAD_TIMEOUT_MS };
    case 'bulk':
      return { maxBodyBytes: env.BODY_LIMIT_BULK_BYTES, totalTimeoutMs: env.UPLOAD_TIMEOUT_MS };
  }
}
