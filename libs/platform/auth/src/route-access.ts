import type { INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ACCESS_POLICY, describePolicy, type AccessPolicy } from './access-policy';

export interface RouteAccess {
  method: string;
  path: string;
  handler: string;
  policy: AccessPolicy | undefined;
}

const joinPath = (...parts: string[]) =>
  `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;

/** Every HTTP route of the application with its declared access policy, sorted by path and method. */
export function listRouteAccess(app: INestApplication): RouteAccess[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: RouteAccess[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const prefixes = [reflector.get<string | string[]>(PATH_METADATA, metatype) ?? ''].flat();
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
      const paths = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
      if (paths === undefined) continue; // not a route handler
      const method = RequestMethod[reflector.get<RequestMethod>(METHOD_METADATA, handler) ?? RequestMethod.GET];
      const policy = reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [handler, metatype]);
      for (const prefix of prefixes) {
        for (const path of [paths].flat()) {
          routes.push({ method, path: joinPath(prefix, path), handler: `${metatype.name}.${name}`, policy });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
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
  if (problems.length > 0) throw new Error(`Routes without a valid access declaration:\n  - ${problems.join('\n  - ')}`);
}

/** One line per route, e.g. `POST /api/v1/workspaces/:workspaceId/members  workspace: WORKSPACE_ADMIN`. */
export function describeRouteAccess(routes: RouteAccess[]): string[] {
  return routes.map((route) => `${route.method.padEnd(6)} ${route.path}  ${describePolicy(route.policy)}`);
}
