import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { JSON_BODY_LIMIT } from './body-limit';

export interface RouteBodyLimit {
  method: string;
  path: string;
  limitBytes: number;
  matches(method: string, path: string): boolean;
}

function joinPaths(...parts: string[]): string {
  return `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}

/** A Nest route path (`a/:id/b`) as an anchored pattern over a request path. */
function pathPattern(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

function asList(value: unknown): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? (value as string[]) : [value as string];
}

/**
 * Every route that declares `@JsonBodyLimit(...)` (on the handler or its controller), read from the
 * compiled application: the body parser runs before routing, so it matches the request path itself.
 */
export function declaredBodyLimits(app: INestApplication): RouteBodyLimit[] {
  const limits: RouteBodyLimit[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller?.prototype) continue;
      const controllerLimit = Reflect.getMetadata(JSON_BODY_LIMIT, controller) as number | undefined;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const limitBytes = (Reflect.getMetadata(JSON_BODY_LIMIT, handler) as number | undefined) ?? controllerLimit;
        const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (limitBytes === undefined || methodPaths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
          for (const own of asList(methodPaths)) {
            const path = joinPaths(base, own);
            const pattern = pathPattern(path);
            limits.push({
              method,
              path,
              limitBytes,
              matches: (m, p) => (method === 'ALL' || m === method) && pattern.test(p),
            });
          }
        }
      }
    }
  }
  return limits;
}
