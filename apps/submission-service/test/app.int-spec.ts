import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureHttp } from '@atp/platform-runtime';
import { describeServiceSmoke, serviceTestEnv, testIssuer } from '@atp/testing';
import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';

let issuerEnv: Record<string, string> = {};

beforeAll(async () => {
  issuerEnv = (await testIssuer()).env;
});

describeServiceSmoke(
  'submission-service',
  () =>
    AppModule.forRoot(
      loadAppEnv(
        serviceTestEnv('submission', 'submission-service', { ...issuerEnv, BLOB_STORE_DIR: mkdtempSync(join(tmpdir(), 'submission-smoke-')) }),
      ),
    ),
  configureHttp,
);
