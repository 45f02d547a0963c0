import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { EnvValidationError } from '@atp/platform-config';
import {
  correlationMiddleware, declaredBodyLimits, jsonBodyParser, ProblemDetailsFilter, StoredResponseInterceptor, strictValidationPipe,
} from '@atp/platform-http';
import type { ServiceEnv } from './platform.module';

export interface HttpOptions {
  /** False for the gateway, which streams bodies to the services unread. */
  parseJson?: boolean;
}

/**
 * Wires the HTTP conventions every service shares (architecture §8) onto a Nest application: the
 * correlation id, the one JSON body parser (limits per route, 413/415/400 as problem+json), strict
 * validation, the problem filter and the status of stored (idempotent) answers. Call it before `init`/`listen`.
 */
export function configureHttp(app: INestApplication, options: HttpOptions = {}): void {
  app.use(correlationMiddleware);
  if (options.parseJson ?? true) app.use(jsonBodyParser({ routes: declaredBodyLimits(app) }));
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalInterceptors(new StoredResponseInterceptor());
  app.enableShutdownHooks();
}

export interface BootstrapOptions extends HttpOptions {
  /** Extra wiring after the shared conventions (the gateway's security headers, CORS, documentation). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts a service. A failure during start-up is written straight to stderr before exiting:
 * buffered logs would otherwise hide the reason.
 */
export async function bootstrapService(module: DynamicModule, env: ServiceEnv, options: BootstrapOptions = {}): Promise<INestApplication> {
  try {
    // Nest's own parsers stay off: `configureHttp` installs the one parser with the platform's limits.
    const app = await NestFactory.create(module, { bufferLogs: true, bodyParser: false });
    app.useLogger(app.get(Logger));
    app.flushLogs();
    configureHttp(app, options);
    await options.configure?.(app);
    await app.listen(env.PORT, '0.0.0.0');
    app.get(Logger).log(`${env.SERVICE_NAME} listening on port ${env.PORT}`);
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
