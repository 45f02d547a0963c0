import { configureHttp } from '@atp/platform-runtime';
import { describeServiceSmoke, serviceTestEnv } from '@atp/testing';
import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';

describeServiceSmoke('gateway', () => AppModule.forRoot(loadAppEnv(serviceTestEnv('gateway', 'gateway'))), configureHttp);
