import { configureHttp } from '@atp/platform-runtime';
import { describeServiceSmoke, serviceTestEnv, testIssuerEnv } from '@atp/testing';
import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';

describeServiceSmoke(
  'punchlist-service',
  () => AppModule.forRoot(loadAppEnv(serviceTestEnv('punchlist', 'punchlist-service', { ...testIssuerEnv() }))),
  configureHttp,
);
