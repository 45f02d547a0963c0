import type { OpenAPIObject } from '@nestjs/swagger';
import { buildServiceDocument } from '@atp/platform-openapi';
import { AppModule } from './app.module';
import type { AppEnv } from './config/env';

/** config-service's OpenAPI document, read from its module metadata (docs/openapi/config-service.json). */
export function openApiDocument(env: AppEnv): OpenAPIObject {
  return buildServiceDocument(AppModule.forRoot(env), {
    title: 'config-service',
    description:
      'Workspaces, users, members, sites, configuration versions (import, activate, roll back) and routing dry runs.',
  });
}
