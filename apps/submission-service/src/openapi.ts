import type { OpenAPIObject } from '@nestjs/swagger';
import { buildServiceDocument } from '@atp/platform-openapi';
import { AppModule } from './app.module';
import type { AppEnv } from './config/env';

/** submission-service's OpenAPI document, read from its module metadata (docs/openapi/submission-service.json). */
export function openApiDocument(env: AppEnv): OpenAPIObject {
  return buildServiceDocument(AppModule.forRoot(env), {
    title: 'submission-service',
    description: 'Submissions, their documents and ATP categories, QA review.',
  });
}
