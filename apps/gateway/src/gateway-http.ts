import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';
import type { AppEnv } from './config/env';
import { setupApiDocs } from './docs/api-docs';

/**
 * What the gateway adds to the platform conventions (`configureHttp` with `parseJson: false`: bodies
 * stream to the services): security headers, and CORS for the origins the deployment names (none by
 * default), and the API documentation outside production.
 */
export function configureGateway(app: INestApplication, env: AppEnv): void {
  const apiHeaders = helmet();
  // The documentation page loads its own scripts and styles.
  const docsHeaders = helmet({ contentSecurityPolicy: false });
  app.use((request: { path: string }, response: unknown, next: (error?: unknown) => void) =>
    (request.path.startsWith('/docs') ? docsHeaders : apiHeaders)(request as never, response as never, next),
  );
  if (env.CORS_ORIGINS.length > 0) {
    app.enableCors({
      origin: [...env.CORS_ORIGINS],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Correlation-Id', 'X-Request-Id'],
      exposedHeaders: ['X-Correlation-Id', 'Retry-After', 'Idempotency-Replayed', 'Location'],
      maxAge: 600,
    });
  }
  if (env.API_DOCS_ENABLED && env.NODE_ENV !== 'production') setupApiDocs(app);
}
