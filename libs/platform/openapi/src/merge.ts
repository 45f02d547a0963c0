import { isDeepStrictEqual } from 'node:util';
import type { OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME } from './service-document';

export interface ServicePart {
  /** The service's name, its operations' tag. */
  service: string;
  document: OpenAPIObject;
  /** Whether the public API routes this path (OpenAPI form, `{param}`) to this service. */
  routes: (path: string) => boolean;
  /**
   * Path parameters the gateway fixes for this service (e.g. `service: 'config'` of the shared integrity
   * routes `/integrity/{service}/…`): filled into the public path and dropped from its parameters.
   */
  fixedParams?: Readonly<Record<string, string>>;
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
  for (const { service, document, routes, fixedParams = {} } of parts) {
    for (const [servicePath, item] of Object.entries(document.paths)) {
      const path = fillFixed(servicePath, fixedParams);
      if (!routes(path)) continue;
      if (owners.has(path)) throw new Error(`${path} is served by ${owners.get(path)} and ${service}`);
      owners.set(path, service);
      paths[path] = Object.fromEntries(
        Object.entries(item).map(([method, operation]) => [method, publicOperation(operation, service, fixedParams)]),
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

function fillFixed(path: string, fixed: Readonly<Record<string, string>>): string {
  return path.replace(/\{(\w+)\}/g, (whole, name: string) => fixed[name] ?? whole);
}

/** The operation tagged with its service, without the parameters the public path has fixed. */
function publicOperation(operation: unknown, service: string, fixed: Readonly<Record<string, string>>): unknown {
  if (typeof operation !== 'object' || operation === null || !('responses' in operation)) return operation;
  const op = operation as { operationId?: string; parameters?: { name?: string; in?: string }[] };
  const isFixed = (p: { name?: string; in?: string }) => p.in === 'path' && p.name !== undefined && p.name in fixed;
  const removed = (op.parameters ?? []).filter(isFixed).map((p) => fixed[p.name as string]);
  if (removed.length === 0) return { ...op, tags: [service] };
  // One operation per service now: its id names the value fixed (IntegrityController_run_config).
  const operationId = op.operationId && `${op.operationId}_${removed.join('_')}`;
  return { ...op, operationId, parameters: op.parameters?.filter((p) => !isFixed(p)), tags: [service] };
}
