import { isDeepStrictEqual } from 'node:util';
import type { OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME } from './service-document';

export interface ServicePart {
  /** The service's name, its operations' tag. */
  service: string;
  document: OpenAPIObject;
  /** Whether the public API routes this path (OpenAPI form, `{param}`) to this service. */
  routes: (path: string) => boolean;
}

const sorted = <T>(entries: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));

/**
 * One public document from the services' own: the paths each service serves behind the gateway (its
 * health and internal routes stay out), every operation tagged with its service, the schemas shared
 * by name. Two services defining one schema name differently, or one path twice, stop the merge.
 */
export function mergeServiceDocuments(
  parts: readonly ServicePart[],
  info: { title: string; description: string; version: string },
): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  const schemas: Record<string, unknown> = {};
  const owners = new Map<string, string>();
  for (const { service, document, routes } of parts) {
    for (const [path, item] of Object.entries(document.paths)) {
      if (!routes(path)) continue;
      if (owners.has(path)) throw new Error(`${path} is served by ${owners.get(path)} and ${service}`);
      owners.set(path, service);
      paths[path] = Object.fromEntries(
        Object.entries(item).map(([method, operation]) => [method, { ...operation, tags: [service] }]),
      );
    }
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      if (name in schemas && !isDeepStrictEqual(schemas[name], schema)) {
        throw new Error(`schema ${name} differs between services (${service} and an earlier one): rename one`);
      }
      schemas[name] = schema;
    }
  }
  const first = parts[0]?.document;
  return {
    openapi: first?.openapi ?? '3.0.0',
    info,
    tags: parts.map(({ service }) => ({ name: service })),
    paths: sorted(paths),
    components: { securitySchemes: first?.components?.securitySchemes ?? {}, schemas: sorted(schemas) as never },
    security: [{ [BEARER_SCHEME]: [] }],
  };
}
