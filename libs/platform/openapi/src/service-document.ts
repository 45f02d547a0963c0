import { ParseUUIDPipe, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ApplicationConfig } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { describePolicy, listModuleControllers, routeAccessOfControllers } from '@atp/platform-auth';
import { BODY_PROBLEM_STATUSES, FieldErrorSchema, ProblemSchema, problemResponse } from './problem.schema';
import { documentValidatedClass } from './validation-schema';

export const BEARER_SCHEME = 'bearer';

export interface ServiceDocumentInfo {
  title: string;
  description?: string;
  version?: string;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `ConfigVersionsController.import` → `configVersionsImport`: unique, stable, readable in generated clients. */
export const operationIdOf = (controllerKey: string, methodKey: string) =>
  `${lowerFirst(controllerKey.replace(/Controller$/, ''))}${upperFirst(methodKey)}`;

/**
 * The OpenAPI document of a service, built from its module tree's metadata: nothing is instantiated,
 * no database or broker is needed (the same walk as the access matrix). Request schemas come from the
 * DTOs' validators, every operation names who may call it (`x-access`) and the bearer scheme, and
 * routes with a body document the body parser's 413/415.
 */
export function buildServiceDocument(root: DynamicModule, info: ServiceDocumentInfo): OpenAPIObject {
  const controllers = listModuleControllers(root);
  for (const controller of controllers) documentRequestClasses(controller);
  const document = SwaggerModule.createDocument(metadataOnlyApp(controllers), documentConfig(info), {
    operationIdFactory: operationIdOf,
    extraModels: [ProblemSchema, FieldErrorSchema],
  });
  const byName = new Map(controllers.map((controller) => [controller.name, controller]));
  for (const route of routeAccessOfControllers(controllers)) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation = document.paths[path]?.[route.method.toLowerCase() as 'get'];
    if (!operation) continue;
    const [controllerName, handler] = route.handler.split('.');
    const controller = byName.get(controllerName);
    const uuids = controller ? uuidParameters(controller, handler) : new Set<string>();
    for (const parameter of operation.parameters ?? []) {
      if ('in' in parameter && parameter.in === 'path' && uuids.has(parameter.name)) {
        parameter.schema = { type: 'string', format: 'uuid' };
      }
    }
    (operation as unknown as Record<string, unknown>)['x-access'] = describePolicy(route.policy);
    if (route.policy?.kind === 'public') operation.security = [];
    if (operation.requestBody) {
      for (const status of BODY_PROBLEM_STATUSES) operation.responses[status] ??= problemResponse(status);
    }
  }
  return document;
}

function documentConfig(info: ServiceDocumentInfo): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description ?? '')
    .setVersion(info.version ?? '1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
}

/** The DTO classes of `@Body()` and `@Query()` parameters get their schemas from their validators. */
function documentRequestClasses(controller: Type<unknown>): void {
  const prototype = controller.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    if (name === 'constructor') continue;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as RouteArgs;
    const types = (Reflect.getMetadata('design:paramtypes', prototype, name) ?? []) as unknown[];
    for (const [key, { index }] of Object.entries(args)) {
      const kind = Number(key.split(':')[0]);
      const type = types[index];
      if ((kind === RouteParamtypes.BODY || kind === RouteParamtypes.QUERY) && isDtoClass(type))
        documentValidatedClass(type);
    }
  }
}

type RouteArgs = Record<string, { index: number; data?: unknown; pipes?: unknown[] }>;

/** Path parameters checked by ParseUUIDPipe: their schema says so. */
function uuidParameters(controller: Type<unknown>, handler: string): Set<string> {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as RouteArgs;
  const isUuidPipe = (pipe: unknown) => pipe === ParseUUIDPipe || pipe instanceof ParseUUIDPipe;
  return new Set(
    Object.entries(args)
      .filter(([key, arg]) => Number(key.split(':')[0]) === RouteParamtypes.PARAM && (arg.pipes ?? []).some(isUuidPipe))
      .map(([, arg]) => String(arg.data)),
  );
}

const isDtoClass = (type: unknown): type is Type<unknown> =>
  typeof type === 'function' && ![Object, String, Number, Boolean, Array].includes(type as never);

/**
 * Just what SwaggerModule's scanner reads from an application (its module container, its config and
 * the adapter's name), holding the controllers' classes: the document is built without booting.
 */
function metadataOnlyApp(controllers: Array<Type<unknown>>): INestApplication {
  const wrappers = new Map(
    controllers.map((c) => [c.name, { metatype: c, instance: Object.create(c.prototype) as object }]),
  );
  class ServiceDocumentModule {}
  const modules = Object.assign(
    new Map([['service', { controllers: wrappers, metatype: ServiceDocumentModule, imports: new Set() }]]),
    {
      applicationId: 'openapi',
    },
  );
  const fake = {
    container: { getModules: () => modules, isGlobalModule: () => false },
    config: new ApplicationConfig(),
    getHttpAdapter: () => ({ getType: () => 'fastify' }),
  };
  return fake as unknown as INestApplication;
}
