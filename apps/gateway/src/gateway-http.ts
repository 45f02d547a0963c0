import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';
import type { AppEnv } from './config/env';
import { setupApiDocs } from './docs/api-docs';
import { installApiEdge } from './proxy/api-edge';

/**
 * What the gateway adds to the platform conventions (`configureHttp` with `parseJson: false`: bodies
 * stream to the services): the API edge (api-edge.ts) with its security headers and CORS for the origins the
 * deployment names (none by default), and the API documentation outside production.
 */
export function configureGateway(app: INestApplication, env: AppEnv): void {
  installApiEdge(app, {
    securityHeaders: helmet(),
    cors:
      env.CORS_ORIGINS.length > 0
        ? {
            origin: [...env.CORS_ORIGINS],
            methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
            allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Correlation-Id', 'X-Request-Id'],
            exposedHeaders: ['X-Correlation-Id', 'Retry-After', 'Idempotency-Replayed', 'Location'],
            maxAge: 600,
          }
        : undefined,
  });
  // The gateway's own routes; the documentation page loads its own scripts and styles.
  const ownHeaders = helmet();
  const docsHeaders = helmet({ contentSecurityPolicy: false });
  app.use((request: { path: string }, response: unknown, next: (error?: unknown) => void) =>
    (request.path.startsWith('/docs') ? docsHeaders : ownHeaders)(request as never, response as never, next),
  );
  if (env.API_DOCS_ENABLED && env.NODE_ENV !== 'production') setupApiDocs(app);
}
