import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './stack-process';

export const WORKSPACE_ROLES = ['WORKSPACE_ADMIN', 'DOC_CONTROL', 'QA_ENGINEER', 'APPROVER', 'AUDITOR'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

export type Policy =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'platform'; role: string }
  | { kind: 'member' }
  | { kind: 'workspace-role'; roles: WorkspaceRole[] };

export interface PublicRoute {
  service: string;
  method: string;
  /** Express style, `:name` parameters, under `/api/v1` (or a health/metrics path). */
  path: string;
  policy: Policy;
}

/**
 * Every declared route of every service, from docs/access-matrix.md: generated from the routes' access
 * declarations and kept in step with the code by each service's drift test, so a new route is swept
 * without anyone listing it here.
 */
export function declaredRoutes(): PublicRoute[] {
  const file = path.join(repoRoot, 'docs', 'access-matrix.md');
  if (!existsSync(file)) throw new Error(`${file} is missing: the route listing the sweep is generated from`);
  const routes: PublicRoute[] = [];
  let service = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const section = /^## (\S+)/.exec(line);
    if (section) service = section[1];
    const row = /^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \| ([^|]+) \|(.*)\|\s*$/.exec(line);
    if (!row || !service) continue;
    const [, method, routePath, who, roleCells] = row;
    const ticks = roleCells.split('|').map((cell) => cell.trim() === '✓');
    routes.push({
      service,
      method,
      path: routePath,
      policy: policyOf(
        who.trim(),
        WORKSPACE_ROLES.filter((_, i) => ticks[i]),
      ),
    });
  }
  if (routes.length === 0) throw new Error(`no route rows found in ${file}`);
  return routes;
}

function policyOf(who: string, roles: WorkspaceRole[]): Policy {
  if (who.startsWith('anyone')) return { kind: 'public' };
  const platform = /^platform role (\w+)/.exec(who);
  if (platform) return { kind: 'platform', role: platform[1] };
  if (who.startsWith('any valid token')) return { kind: 'authenticated' };
  if (who.startsWith('any member')) return { kind: 'member' };
  if (who.startsWith('members with')) return { kind: 'workspace-role', roles };
  throw new Error(`access-matrix: unknown policy "${who}"`);
}

/** Fills `:name` parameters (`:workspaceId` included) from `values`, or with `fallback(name)`. */
export function fillPath(
  routePath: string,
  values: Record<string, string>,
  fallback: (name: string) => string,
): string {
  return routePath.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? fallback(name)));
}

export function pathParams(routePath: string): string[] {
  return [...routePath.matchAll(/:(\w+)/g)].map((m) => m[1]);
}

type OpenApiPaths = Record<string, Record<string, { requestBody?: unknown }>>;
let openApiPaths: OpenApiPaths | undefined;

/**
 * Whether an acting route (not GET) takes no request body, by its operation in docs/openapi.json (deactivate,
 * activate, run an audit, re-assert pins…). `service` names the service of the shared integrity routes. A route
 * of the access matrix that the document lacks is drift between the two generated files: it throws.
 */
export function actsWithoutBody(route: PublicRoute, service: string): boolean {
  if (route.method === 'GET') return false;
  openApiPaths ??= (
    JSON.parse(readFileSync(path.join(repoRoot, 'docs', 'openapi.json'), 'utf8')) as { paths: OpenApiPaths }
  ).paths;
  const key = route.path.replace(/:(\w+)/g, (_m, name: string) => (name === 'service' ? service : `{${name}}`));
  const operation = openApiPaths[key]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`${route.method} ${key} is in docs/access-matrix.md but not in docs/openapi.json`);
  return operation.requestBody === undefined;
}
