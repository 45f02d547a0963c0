import type { OpenAPIObject } from '@nestjs/swagger';
import { buildServiceDocument } from '@atp/platform-openapi';
import { AppModule } from './app.module';
import type { AppEnv } from './config/env';

/** workflow-service's OpenAPI document, read from its module metadata (docs/openapi/workflow-service.json). */
export function openApiDocument(env: AppEnv): OpenAPIObject {
  return buildServiceDocument(AppModule.forRoot(env), {
    title: 'workflow-service',
    description:
      'Approval workflows: stage decisions, the approver inbox, SLA violations, overrides and admin actions.',
  });
}
