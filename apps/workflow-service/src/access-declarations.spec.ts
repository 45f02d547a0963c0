import { describeAccessDeclarations, STATIC_SERVICE_ENV } from '@atp/testing';
import { AppModule } from './app.module';
import { loadAppEnv } from './config/env';

describeAccessDeclarations('workflow-service', () => AppModule.forRoot(loadAppEnv(STATIC_SERVICE_ENV)));
