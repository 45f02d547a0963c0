import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { MicroserviceOptions, NestMicroservice } from '@nestjs/microservices';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { assertEveryRouteDeclaresAccess } from '@atp/platform-auth';
import { correlationMiddleware, ProblemDetailsFilter, strictValidationPipe } from '@atp/platform-http';
import type { Registry } from 'prom-client';
import type { ServiceEnv } from './platform.module';
import { InboxTransport, RethrowToInbox } from './inbox-transport';
import { httpMetricsMiddleware } from './http-metrics';
import { METRICS_REGISTRY } from './tokens';

/**
 * Wires the HTTP conventions every service shares (architecture §8) onto a Nest application, after
 * checking that every route declares who may call it: an undeclared route stops the service (and the
 * test that boots it) instead of reaching production.
 */
export function configureHttp(app: INestApplication): void {
  assertEveryRouteDeclaresAccess(app);
  app.use(httpMetricsMiddleware(app.get<Registry>(METRICS_REGISTRY)));
  app.use(correlationMiddleware);
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
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
  options: { bodyParser?: boolean } = {},
): Promise<INestApplication> {
  try {
    const app = await NestFactory.create(module, { bufferLogs: true, bodyParser: options.bodyParser ?? true });
    app.useLogger(app.get(Logger));
    app.flushLogs();
    configureHttp(app);
    await connectInboxConsumers(app);
    await app.listen(env.PORT, '0.0.0.0');
    app.get(Logger).log(`${env.SERVICE_NAME} listening on port ${env.PORT}`);
    return app;
  } catch (error) {
    process.stderr.write(`${env.SERVICE_NAME} failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}
