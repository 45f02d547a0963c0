import { describeAccessDeclarations, STATIC_SERVICE_ENV } from '@atp/testing';
import { AppModule } from './app.module';
import { loadAppEnv } from './config/env';

describeAccessDeclarations('config-service', () => AppModule.forRoot(loadAppEnv(STATIC_SERVICE_ENV)));
