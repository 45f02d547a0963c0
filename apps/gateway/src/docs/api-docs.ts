import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Logger, type INestApplication } from '@nestjs/common';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { readPublicApiDocument } from './public-api-document';

export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs/openapi.json';

/** docs/openapi of the repository, above the source (ts) or the bundle (dist/apps/gateway). */
export function findServiceDocuments(from: string = __dirname): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'docs', 'openapi');
    if (existsSync(join(candidate, 'config-service.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Serves the merged public API at `/docs` (Swagger UI) and `/docs/openapi.json`, for development: the
 * routes are plain HTTP routes outside the API (no token, like the health checks), and the caller turns
 * them on only outside production. The document is merged from the services' committed documents,
 * which their tests keep equal to the code.
 */
export function setupApiDocs(app: INestApplication, directory: string | null = findServiceDocuments()): boolean {
  if (directory === null) {
    new Logger('ApiDocs').warn('docs/openapi/ not found: /docs is not served');
    return false;
  }
  const document = readPublicApiDocument(directory);
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: DOCS_JSON_PATH, raw: ['json'] });
  // The page and its init script with their charset, as under Express (@nestjs/swagger's Fastify handlers set bare
  // `text/html` and `application/javascript`).
  const fastify = (app.getHttpAdapter() as FastifyAdapter).getInstance();
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (request.url.startsWith(`/${DOCS_PATH}`) && (type === 'text/html' || type === 'application/javascript'))
      reply.header('content-type', `${type}; charset=utf-8`);
    done(null, payload);
  });
  return true;
}
