import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { refusedTokens, testToken } from './auth';

/** The workspace roles (as `@atp/platform-auth` names them; the testing library imports no platform code). */
const WORKSPACE_ROLES = ['WORKSPACE_ADMIN', 'DOC_CONTROL', 'QA_ENGINEER', 'APPROVER', 'AUDITOR'] as const;
type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** A route with its declared policy: what `listRouteAccess(app)` of `@atp/platform-auth` returns. */
export interface SweptRoute {
  method: string;
  path: string;
  policy?: { kind: string; roles?: readonly string[] };
}

export interface AccessSweepOptions {
  /** Every route of the application: pass `listRouteAccess(app)`, so a new route is swept without a hand list. */
  routes: readonly SweptRoute[];
  /** The workspace every `:workspaceId` of a route is filled with. */
  workspaceId: string;
  /**
   * One user per workspace role, each an active member of `workspaceId` holding only that role (as the
   * service sees it: for a replica, the membership must already be applied). Roles left out are not tried.
   */
  members: Partial<Record<WorkspaceRole, string>>;
  /** An active member of another workspace only: every workspace route must answer it 404. */
  outsider: string;
  /** Values of other path parameters (`:id`, `:stageId`…); any not given gets a fresh random UUID. */
  params?: Record<string, string>;
  /** Counts of the service's rows (e.g. `tableRowCounts`): taken before and after, they must be equal. */
  rowCounts: () => Promise<Record<string, number>>;
}

export interface AccessSweepResult {
  /** Requests made, by route: `POST /api/v1/… no token → 401`. */
  checks: string[];
}

type Case = { name: string; token: string | null; expected: number };

/**
 * The access sweep every service runs (issue 7 acceptance). For each route of the application (as
 * `listRouteAccess` enumerates it), except `public` ones:
 * - no token, an expired token, one signed by an unknown key, one for another audience and an
 *   `alg: none` token → 401;
 * - on workspace routes, a member of another workspace → 404;
 * - on role routes, a member holding each role the declaration does not name → 403;
 * - on platform routes, a valid token without the platform role → 403;
 * and afterwards nothing was written (`rowCounts` unchanged). Requests carry no body: the guard refuses
 * before validation, so a refusal never depends on what was sent. Throws one error naming every miss.
 *
 * ```ts
 * await sweepRouteAccess(app, { routes: listRouteAccess(app), workspaceId,
 *   members: { WORKSPACE_ADMIN: admin, AUDITOR: auditor }, outsider,
 *   rowCounts: () => tableRowCounts(async (sql) => (await superuser.query(sql)).rows) });
 * ```
 */
export async function sweepRouteAccess(app: INestApplication, options: AccessSweepOptions): Promise<AccessSweepResult> {
  const before = await options.rowCounts();
  const anyMember = Object.values(options.members)[0];
  if (!anyMember) throw new Error('sweepRouteAccess needs at least one member');
  const broken = refusedTokens(anyMember);
  const checks: string[] = [];
  const misses: string[] = [];
  const params = { ...options.params };

  for (const route of options.routes) {
    if (!route.policy || route.policy.kind === 'public') continue;
    const path = fillPath(route.path, options.workspaceId, params);
    for (const test of casesFor(route, options, broken)) {
      const status = await send(app, route.method, path, test.token);
      const line = `${route.method} ${route.path} ${test.name} → ${test.expected}`;
      checks.push(line);
      if (status !== test.expected) misses.push(`${line}, got ${status}`);
    }
  }

  const after = await options.rowCounts();
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[table] !== after[table])
      misses.push(`refused requests changed ${table}: ${before[table]} → ${after[table]} rows`);
  }
  if (misses.length > 0)
    throw new Error(`access sweep: ${misses.length} of ${checks.length} checks failed\n  - ${misses.join('\n  - ')}`);
  return { checks };
}

function casesFor(route: SweptRoute, options: AccessSweepOptions, broken: ReturnType<typeof refusedTokens>): Case[] {
  const cases: Case[] = [
    { name: 'no token', token: null, expected: 401 },
    { name: 'expired token', token: broken.expired, expected: 401 },
    { name: 'wrongly signed token', token: broken.wronglySigned, expected: 401 },
    { name: 'wrong-audience token', token: broken.wrongAudience, expected: 401 },
    { name: 'alg none token', token: broken.algNone, expected: 401 },
  ];
  const policy = route.policy;
  if (policy?.kind === 'member' || policy?.kind === 'workspace-role') {
    cases.push({ name: 'member of another workspace', token: testToken(options.outsider), expected: 404 });
  }
  if (policy?.kind === 'workspace-role') {
    for (const role of WORKSPACE_ROLES.filter((r) => !policy.roles?.includes(r))) {
      const userId = options.members[role];
      if (userId) cases.push({ name: `${role}`, token: testToken(userId), expected: 403 });
    }
  }
  if (policy?.kind === 'platform') {
    const userId = Object.values(options.members)[0] as string;
    cases.push({ name: 'token without the platform role', token: testToken(userId), expected: 403 });
  }
  return cases;
}

function fillPath(path: string, workspaceId: string, params: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_match, name: string) => {
    if (name === 'workspaceId') return workspaceId;
    return encodeURIComponent((params[name] ??= randomUUID()));
  });
}

async function send(app: INestApplication, method: string, path: string, token: string | null): Promise<number> {
  const agent = request(app.getHttpServer());
  const verb =
    (
      {
        GET: 'get',
        POST: 'post',
        PUT: 'put',
        PATCH: 'patch',
        DELETE: 'delete',
        HEAD: 'head',
        OPTIONS: 'options',
      } as const
    )[method] ?? 'get';
  const call = agent[verb](path);
  if (token !== null) void call.set('authorization', `Bearer ${token}`);
  return (await call).status;
}

/**
 * The row count of every table of the connection's `public` schema, for `rowCounts`. Count through a role
 * row-level security does not filter (the superuser of ATP_PG_ADMIN_URL), or tenant tables count 0.
 * `exclude` leaves out tables other work writes to at the same time.
 */
export async function tableRowCounts(
  query: (sql: string) => Promise<Array<Record<string, unknown>>>,
  exclude: readonly string[] = [],
): Promise<Record<string, number>> {
  const tables = (await query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`))
    .map((row) => String(row.tablename))
    .filter((table) => !exclude.includes(table));
  if (tables.length === 0) return {};
  const [counts] = await query(
    `SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t}")::int AS "${t}"`).join(', ')}`,
  );
  return Object.fromEntries(tables.map((table) => [table, Number(counts[table])]));
}
