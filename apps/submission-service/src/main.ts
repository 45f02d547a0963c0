import './tracing'; // first: see tracing.ts
import 'reflect-metadata';
import { runService } from '@atp/platform-runtime';
import { AppModule } from './app.module';
import { loadAppEnv } from './config/env';

void runService(AppModule, loadAppEnv);
