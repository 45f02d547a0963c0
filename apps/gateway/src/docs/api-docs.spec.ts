import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHttpAdapter } from '@atp/platform-http';
import request from 'supertest';
import { repoRoot } from '@atp/testing';
import { upstreamFor } from '../proxy/service-routes';
import { findServiceDocuments, setupApiDocs } from './api-docs';
import { readPublicApiDocument } from './public-api-document';

const committed = () => JSON.parse(readFileSync(path.join(repoRoot, 'docs', 'openapi.json'), 'utf8'));

describe('the public API document', () => {
  it('is the merge of the services documents: docs/openapi.json (regenerate it with npm run openapi)', () => {
    expect(JSON.parse(JSON.stringify(readPublicApiDocument(path.join(repoRoot, 'docs', 'openapi'))))).toEqual(
      committed(),
    );
  });

  it('holds only paths the gateway forwards, each tagged with the service it goes to', () => {
    const document = committed();
    const paths = Object.keys(document.paths);
    expect(paths.length).toBeGreaterThan(40);
    for (const [p, item] of Object.entries(document.paths as Record<string, Record<string, { tags: string[] }>>)) {
      for (const operation of Object.values(item)) expect(operation.tags).toEqual([`${upstreamFor(p)}-service`]);
    }
    expect(paths.filter((p) => p.startsWith('/health') || p === '/metrics')).toEqual([]);
  });

  it('declares the bearer scheme, unique operation ids and problem answers on every operation', () => {
    const document = committed();
    expect(document.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const operations = Object.values(document.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(
      (item) => Object.values(item),
    );
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const operation of operations) {
      const responses = operation.responses as Record<string, { content?: Record<string, unknown> }>;
      expect(responses['400'].content?.['application/problem+json']).toEqual({
        schema: { $ref: '#/components/schemas/Problem' },
      });
    }
  });
});

describe('/docs', () => {
  let app: INestApplication;

  beforeAll(async () => {
    @Module({})
    class EmptyModule {}
    app = await NestFactory.create(EmptyModule, createHttpAdapter(), { logger: false });
    expect(setupApiDocs(app, findServiceDocuments())).toBe(true);
    await app.init();
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  });

  afterAll(() => app.close());

  it('serves the merged document at /docs/openapi.json and Swagger UI at /docs', async () => {
    const json = await request(app.getHttpServer()).get('/docs/openapi.json').expect(200);
    expect(json.body).toEqual(committed());
    const page = await request(app.getHttpServer()).get('/docs').expect(200);
    expect(page.text).toContain('swagger-ui');
  });
});
