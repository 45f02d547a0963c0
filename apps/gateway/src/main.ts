import './tracing'; // first: see tracing.ts
import 'reflect-metadata';
import { runService } from '@atp/platform-runtime';
import { AppModule } from './app.module';
import { loadAppEnv } from './config/env';
import { configureGateway } from './gateway-http';

// No body parsing: the gateway streams request bodies (uploads included) to the owning service.
void runService(AppModule, loadAppEnv, (env) => ({ parseJson: false, configure: (app) => configureGateway(app, env) }));
