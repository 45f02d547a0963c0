import type { INestApplication } from '@nestjs/common';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
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
  // helmet sets its headers on the Node response, which Fastify's answer (problem+json included) carries.
  const ownHeaders = helmet();
  const docsHeaders = helmet({ contentSecurityPolicy: false });
  const fastify = (app.getHttpAdapter() as FastifyAdapter).getInstance();
  fastify.addHook('onRequest', (request, reply, done) =>
    (request.url.startsWith('/docs') ? docsHeaders : ownHeaders)(request.raw, reply.raw, (error) =>
      done(error as Error | undefined),
    ),
  );
  if (env.API_DOCS_ENABLED && env.NODE_ENV !== 'production') setupApiDocs(app);
}
