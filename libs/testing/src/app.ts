import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { testIssuerEnv } from './auth';

/** `configureHttp` of @atp/platform-runtime, passed in: the testing library imports no platform code. */
export type ConfigureHttp = (app: INestApplication) => void;

/**
 * Boots a service module the way main.ts does (same HTTP conventions, real DataSource, Kafka,
 * relay and consumers), for HTTP tests with supertest. Nest's own body parsers stay off as in main.ts:
 * `configureHttp` installs the platform's.
 */
export async function bootAppForTest(
  module: DynamicModule,
  configureHttp: ConfigureHttp,
  options: { bodyParser?: boolean } = {},
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication({ logger: false, bodyParser: options.bodyParser ?? false });
  configureHttp(app);
  await app.init();
  return app;
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
