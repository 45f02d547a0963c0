import type { OpenAPIObject } from '@nestjs/swagger';
import { buildServiceDocument } from '@atp/platform-openapi';
import { AppModule } from './app.module';
import type { AppEnv } from './config/env';

/** punchlist-service's OpenAPI document, read from its module metadata (docs/openapi/punchlist-service.json). */
export function openApiDocument(env: AppEnv): OpenAPIObject {
  return buildServiceDocument(AppModule.forRoot(env), {
    title: 'punchlist-service',
    description: 'Punchlists and their items: assignment, rectification evidence, verification.',
  });
}
