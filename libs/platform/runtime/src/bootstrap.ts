import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { MicroserviceOptions, NestMicroservice } from '@nestjs/microservices';
import { NestFactory } from '@nestjs/core';
import { assertEveryRouteDeclaresAccess } from '@atp/platform-auth';
import { EnvValidationError } from '@atp/platform-config';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  correlationMiddleware,
  createHttpAdapter,
  declaredBodyLimits,
  installBodyParser,
  jsonBodyParser,
  nulCharacterMiddleware,
  ProblemDetailsFilter,
  StoredResponseInterceptor,
  strictValidationPipe,
} from '@atp/platform-http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ServiceEnv } from './platform.module';
import { InboxTransport, RethrowToInbox } from './inbox-transport';
import { httpExchangeObserver, observeFastifyExchange } from './http-exchange';
import { NestPinoLogger } from './logger';
import { METRICS_REGISTRY, ROOT_LOGGER } from './tokens';

export interface HttpOptions {
  /** False for the gateway, which streams bodies to the services unread. */
  parseJson?: boolean;
}

/**
 * Wires the HTTP conventions every service shares (architecture §8) onto a Nest application, after
 * checking that every route declares who may call it (an undeclared route stops the service, and the
 * test that boots it): metrics and the access log, the correlation id, the one JSON body parser (limits per route,
 * 413/415/400 as problem+json), strict validation, the problem filter and the status of stored
 * (idempotent) answers. Call it before `init`/`listen`.
 */
export function configureHttp(app: INestApplication, options: HttpOptions = {}): void {
  assertEveryRouteDeclaresAccess(app);
  // Fastify computes no ETag and sends no x-powered-by header (Express had to be told); downloads set their own ETag.
  const adapter = app.getHttpAdapter() as FastifyAdapter;
  const observe = httpExchangeObserver(app.get<Registry>(METRICS_REGISTRY), app.get<Logger>(ROOT_LOGGER));
  // The adapter's own first request hook, so it runs before Fastify refuses anything (a target it cannot route
  // still gets its correlation id and access line). The rest of the request runs in the correlation context:
  // Fastify goes on synchronously from `done`, and its body parser resumes in the context it started from.
  adapter.setOnRequestHook((request, reply, done) => {
    observeFastifyExchange(observe, request, reply);
    correlationMiddleware(request.raw, reply.raw, () => nulCharacterMiddleware(request.raw, reply, done));
  });
  const fastify = adapter.getInstance();
  if (options.parseJson ?? true) installBodyParser(fastify, jsonBodyParser({ routes: declaredBodyLimits(app) }));
  // The gateway reads no body: every media type is left unread for the proxy (which streams /api/v1 bodies).
  else {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  }
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalInterceptors(new StoredResponseInterceptor());
  app.enableShutdownHooks();
}

/** The adapter `configureHttp` is made for (what a test boots a service on, see `bootAppForTest` of @atp/testing). */
configureHttp.createAdapter = createHttpAdapter;

/** `configureHttp` with `options`, with its adapter, for a test to boot a service with (`bootAppForTest`). */
export function httpConventions(options: HttpOptions): typeof configureHttp {
  return Object.assign((app: INestApplication) => configureHttp(app, options), { createAdapter: createHttpAdapter });
}

export interface BootstrapOptions extends HttpOptions {
  /** Extra wiring after the shared conventions (the gateway's security headers, CORS, documentation). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Connects the service's Kafka consumers as a Nest microservice (hybrid app): every
 * `@EventPattern(eventType, { consumer })` handler of a `.consumer.ts` controller, run by the
 * platform's InboxTransport. Call it after `app.init()` (tests) or before `listen` (main): it returns
 * once the consumers are registered; they join their groups in the background.
 */
export async function connectInboxConsumers(app: INestApplication): Promise<void> {
  const consumers = app.connectMicroservice<MicroserviceOptions>(
    { strategy: app.get(InboxTransport) },
    { inheritAppConfig: false, deferInitialization: true },
  ) as unknown as NestMicroservice;
  // Handlers capture the global filters when they are registered: the filter goes in first. Then what
  // connectMicroservice does without deferInitialization (the app itself runs the lifecycle hooks once).
  consumers.useGlobalFilters(new RethrowToInbox());
  consumers.registerListeners();
  consumers.setIsInitialized(true);
  consumers.setIsInitHookCalled(true);
  await app.startAllMicroservices();
}

/**
 * Starts a service. A failure during start-up is written straight to stderr before exiting:
 * buffered logs would otherwise hide the reason.
 */
export async function bootstrapService(
  module: DynamicModule,
  env: ServiceEnv,
  options: BootstrapOptions = {},
): Promise<INestApplication> {
  try {
    // Nest's own parsers stay off: `configureHttp` installs the one parser with the platform's limits.
    const app = await NestFactory.create(module, createHttpAdapter(), { bufferLogs: true, bodyParser: false });
    const logger = new NestPinoLogger(app.get<Logger>(ROOT_LOGGER));
    app.useLogger(logger);
    app.flushLogs();
    configureHttp(app, options);
    await options.configure?.(app);
    await connectInboxConsumers(app);
    await app.listen(env.PORT, '0.0.0.0');
    logger.log(`${env.SERVICE_NAME} listening on port ${env.PORT}`);
    return app;
  } catch (error) {
    process.stderr.write(`${env.SERVICE_NAME} failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}

/**
 * A service's `main.ts`: validates the environment (a bad value stops the process with the reason),
 * then boots the app module.
 */
export function runService<E extends ServiceEnv>(
  appModule: { forRoot(env: E): DynamicModule },
  loadAppEnv: () => E,
  options: BootstrapOptions | ((env: E) => BootstrapOptions) = {},
): Promise<INestApplication> {
  let env: E;
  try {
    env = loadAppEnv();
  } catch (error) {
    if (error instanceof EnvValidationError) {
      process.stderr.write(`${process.env.SERVICE_NAME ?? 'service'}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  return bootstrapService(appModule.forRoot(env), env, typeof options === 'function' ? options(env) : options);
}
