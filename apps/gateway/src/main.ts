import 'reflect-metadata';
import { EnvValidationError } from '@atp/platform-config';
import { bootstrapService } from '@atp/platform-runtime';
import { AppModule } from './app.module';
import { loadAppEnv } from './config/env';

function loadEnvOrExit() {
  try {
    return loadAppEnv();
  } catch (error) {
    if (error instanceof EnvValidationError) {
      process.stderr.write(`gateway: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const env = loadEnvOrExit();
// No body parsing: the gateway streams request bodies (uploads included) to the owning service.
void bootstrapService(AppModule.forRoot(env), env, { bodyParser: false });
