import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureHttp } from '@atp/platform-runtime';
import { describeServiceSmoke, serviceTestEnv, testIssuerEnv } from '@atp/testing';
import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';

describeServiceSmoke(
  'submission-service',
  () =>
    AppModule.forRoot(
      loadAppEnv(
        serviceTestEnv('submission', 'submission-service', {
          ...testIssuerEnv(),
          BLOB_STORE_DIR: mkdtempSync(join(tmpdir(), 'submission-smoke-')),
        }),
      ),
    ),
  configureHttp,
);
