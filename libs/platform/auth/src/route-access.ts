import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import { MODULE_METADATA, PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ACCESS_POLICY, describePolicy, WORKSPACE_ROLES, type AccessPolicy } from './access-policy';

export interface RouteAccess {
  method: string;
  path: string;
  handler: string;
  policy: AccessPolicy | undefined;
}

const joinPath = (...parts: string[]) =>
  `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;

/** The routes of controller classes with their declared access policies, sorted by path and method. */
export function routeAccessOfControllers(controllers: Iterable<Type<unknown>>): RouteAccess[] {
  const routes: RouteAccess[] = [];
  for (const controller of new Set(controllers)) {
    const prefixes = [(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined) ?? ''].flat();
    const classPolicy = Reflect.getMetadata(ACCESS_POLICY, controller) as AccessPolicy | undefined;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of methodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue; // not a route handler
      const verb = (Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined) ?? RequestMethod.GET;
      const method = RequestMethod[verb];
      const policy = (Reflect.getMetadata(ACCESS_POLICY, handler) as AccessPolicy | undefined) ?? classPolicy;
      for (const prefix of prefixes) {
        for (const path of [paths].flat()) {
          routes.push({ method, path: joinPath(prefix, path), handler: `${controller.name}.${name}`, policy });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

function methodNames(prototype: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) if (name !== 'constructor') names.add(name);
  }
  return [...names];
}

/** Every HTTP route of a running application with its declared access policy. */
export function listRouteAccess(app: INestApplication): RouteAccess[] {
  // Built on the container every application has (an app need not import DiscoveryModule, e.g. the gateway).
  const controllers = new DiscoveryService(app.get(ModulesContainer))
    .getControllers()
    .map((wrapper) => wrapper.metatype as Type<unknown> | null);
  return routeAccessOfControllers(controllers.filter((c): c is Type<unknown> => !!c));
}

/**
 * The routes of a module tree, read from its metadata without instantiating anything (no database, no
 * Kafka): for the access matrix and the declaration snapshots.
 */
export function listModuleRouteAccess(root: DynamicModule | Type<unknown>): RouteAccess[] {
  return routeAccessOfControllers(listModuleControllers(root));
}

/** The controller classes of a module tree, read from its metadata (nothing is instantiated). */
export function listModuleControllers(root: DynamicModule | Type<unknown>): Array<Type<unknown>> {
  const controllers: Array<Type<unknown>> = [];
  const seen = new Set<unknown>();
  const visit = (entry: unknown) => {
    if (!entry || seen.has(entry)) return;
    seen.add(entry);
    const dynamic = typeof entry === 'object' && 'module' in entry ? (entry as DynamicModule) : undefined;
    const moduleClass = dynamic ? dynamic.module : (entry as Type<unknown>);
    if (typeof moduleClass !== 'function') return; // e.g. a forwardRef
    const metadata = <T>(key: string) => (Reflect.getMetadata(key, moduleClass) as T[] | undefined) ?? [];
    const staticControllers = metadata<Type<unknown>>(MODULE_METADATA.CONTROLLERS);
    const staticImports = metadata<unknown>(MODULE_METADATA.IMPORTS);
    controllers.push(...staticControllers, ...((dynamic?.controllers as Array<Type<unknown>> | undefined) ?? []));
    for (const child of [...staticImports, ...(dynamic?.imports ?? [])]) visit(child);
    if (dynamic) visit(moduleClass);
  };
  visit(root);
  return [...new Set(controllers)];
}

/** Stops start-up when any route declares no access policy, or a workspace policy sits on a route without one. */
export function assertEveryRouteDeclaresAccess(app: INestApplication): void {
  const problems = listRouteAccess(app).flatMap((route) => {
    if (!route.policy) return [`${route.method} ${route.path} (${route.handler}) declares no access policy`];
    const needsWorkspace = route.policy.kind === 'member' || route.policy.kind === 'workspace-role';
    if (needsWorkspace && !route.path.includes(':workspaceId')) {
      return [`${route.method} ${route.path} (${route.handler}) needs a workspace but has no :workspaceId`];
    }
    return [];
  });
  if (problems.length > 0)
    throw new Error(`Routes without a valid access declaration:\n  - ${problems.join('\n  - ')}`);
}

/** One line per route, e.g. `POST /api/v1/workspaces/:workspaceId/members  workspace: WORKSPACE_ADMIN`. */
export function describeRouteAccess(routes: RouteAccess[]): string[] {
  return routes.map((route) => `${route.method.padEnd(6)} ${route.path}  ${describePolicy(route.policy)}`);
}

/**
 * The access matrix of one service as a Markdown section (docs/access-matrix.md): one row per route, one
 * column per workspace role, ✓ where the role may call it.
 */
export function renderAccessMatrix(service: string, routes: RouteAccess[]): string {
  const header = `| Method | Path | Who | ${WORKSPACE_ROLES.join(' | ')} |`;
  const rule = `|---|---|---|${WORKSPACE_ROLES.map(() => ':-:').join('|')}|`;
  const rows = routes.map((route) => {
    const policy = route.policy;
    const allows = (role: (typeof WORKSPACE_ROLES)[number]) =>
      policy?.kind === 'member' || (policy?.kind === 'workspace-role' && policy.roles.includes(role)) ? '✓' : '';
    return `| ${route.method} | \`${route.path}\` | ${whoMayCall(policy)} | ${WORKSPACE_ROLES.map(allows).join(' | ')} |`;
  });
  return [`## ${service}`, '', header, rule, ...rows, ''].join('\n');
}

function whoMayCall(policy: AccessPolicy | undefined): string {
  switch (policy?.kind) {
    case 'public':
      return 'anyone, no token';
    case 'authenticated':
      return 'any valid token (the handler limits what it shows)';
    case 'platform':
      return `platform role ${policy.roles.join(' or ')}`;
    case 'member':
      return 'any member';
    case 'workspace-role':
      return 'members with a ✓ role';
    default:
      return '**undeclared**';
  }
}

const sectionStart = (service: string) => `<!-- access-matrix:${service} (generated: npm run access-matrix) -->`;
const sectionEnd = (service: string) => `<!-- /access-matrix:${service} -->`;

/** `renderAccessMatrix` between the markers that let docs/access-matrix.md be regenerated and checked. */
export function accessMatrixSection(service: string, routes: RouteAccess[]): string {
  return `${sectionStart(service)}\n${renderAccessMatrix(service, routes)}${sectionEnd(service)}`;
}

/** The section of `service` in an access-matrix document, markers included, or undefined. */
export function findAccessMatrixSection(document: string, service: string): string | undefined {
  const start = document.indexOf(sectionStart(service));
  const end = document.indexOf(sectionEnd(service));
  return start >= 0 && end > start ? document.slice(start, end + sectionEnd(service).length) : undefined;
}
