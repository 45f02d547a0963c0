import type { AbstractHttpAdapter } from '@nestjs/core';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { testIssuerEnv } from './auth';

/**
 * `configureHttp` of @atp/platform-runtime, passed in: the testing library imports no platform code. The HTTP
 * adapter the services run on (`createHttpAdapter` of @atp/platform-http) comes with it, as its `createAdapter`.
 */
export type ConfigureHttp = ((app: INestApplication) => void) & { createAdapter?: () => AbstractHttpAdapter };

/**
 * A Nest application of `moduleRef` on the services' HTTP adapter, initialised and ready to serve: Fastify loads
 * its routes only once `ready()` has run, which supertest on `app.getHttpServer()` needs (`listen` does it in main).
 */
export async function startTestApp(
  moduleRef: TestingModule,
  createAdapter: () => AbstractHttpAdapter,
  configure: (app: INestApplication) => void | Promise<void> = () => undefined,
  options: { bodyParser?: boolean; logger?: false } = {},
): Promise<INestApplication> {
  const app = moduleRef.createNestApplication(createAdapter(), {
    logger: options.logger ?? false,
    bodyParser: options.bodyParser ?? false,
  });
  await configure(app);
  await app.init();
  await (app.getHttpAdapter().getInstance() as { ready(): PromiseLike<unknown> }).ready();
  return app;
}

/**
 * Boots a service module the way main.ts does (same HTTP adapter and conventions, real DataSource, Kafka,
 * relay and consumers), for HTTP tests with supertest. Nest's own body parsers stay off as in main.ts:
 * `configureHttp` installs the platform's.
 */
export async function bootAppForTest(
  module: DynamicModule,
  configureHttp: ConfigureHttp,
  options: { bodyParser?: boolean; createAdapter?: () => AbstractHttpAdapter } = {},
): Promise<INestApplication> {
  const createAdapter = options.createAdapter ?? configureHttp.createAdapter;
  if (!createAdapter) throw new Error('bootAppForTest: pass configureHttp of @atp/platform-runtime or createAdapter');
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  return startTestApp(moduleRef, createAdapter, configureHttp, options);
}

/** The environment a service gets under `npm test`, from the `<SVC>_DATABASE_URL` variables. */
export function serviceTestEnv(
  service: 'config' | 'workflow' | 'submission' | 'punchlist' | 'gateway',
  serviceName: string,
  extra: Record<string, string> = {},
): Record<string, string | undefined> {
  const prefix = service.toUpperCase();
  const url = process.env[`${prefix}_DATABASE_URL`];
  if (!url) throw new Error(`${prefix}_DATABASE_URL is not set: run the tests with \`npm test\``);
  return {
    ...process.env,
    ...testIssuerEnv(),
    NODE_ENV: 'test',
    SERVICE_NAME: serviceName,
    PORT: '0',
    DATABASE_URL: url,
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_INTERVAL_MS: '200',
    ...extra,
  };
}
