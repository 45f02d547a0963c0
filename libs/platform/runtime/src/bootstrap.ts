import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { assertEveryRouteDeclaresAccess } from '@atp/platform-auth';
import { correlationMiddleware, nulCharacterMiddleware, ProblemDetailsFilter, strictValidationPipe } from '@atp/platform-http';
import type { ServiceEnv } from './platform.module';

/**
 * Wires the HTTP conventions every service shares (architecture §8) onto a Nest application, after
 * checking that every route declares who may call it: an undeclared route stops the service (and the
 * test that boots it) instead of reaching production.
 */
export function configureHttp(app: INestApplication): void {
  assertEveryRouteDeclaresAccess(app);
  app.use(correlationMiddleware);
  app.use(nulCharacterMiddleware);
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
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
    await app.listen(env.PORT, '0.0.0.0');
    app.get(Logger).log(`${env.SERVICE_NAME} listening on port ${env.PORT}`);
    return app;
  } catch (error) {
    process.stderr.write(`${env.SERVICE_NAME} failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}
