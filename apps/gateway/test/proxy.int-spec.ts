import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { configureHttp } from '@atp/platform-runtime';
import { bootAppForTest, serviceTestEnv } from '@atp/testing';
import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';

/** What the upstream saw: a real HTTP server standing in for config-service. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe('gateway forwarding', () => {
  jest.setTimeout(60000);
  let upstream: Server;
  let app: INestApplication;
  const seen: Seen[] = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(req.url?.includes('conflict') ? 409 : 201, { 'content-type': 'application/json', 'x-upstream': 'config' });
        res.end(JSON.stringify({ echoed: true }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const configUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const env = loadAppEnv(
      serviceTestEnv('gateway', 'gateway', {
        CONFIG_SERVICE_URL: configUrl,
        WORKFLOW_SERVICE_URL: 'http://127.0.0.1:9', // nothing listens: the discard port
        SUBMISSION_SERVICE_URL: configUrl,
        PUNCHLIST_SERVICE_URL: configUrl,
      }),
    );
    app = await bootAppForTest(AppModule.forRoot(env), (app) => configureHttp(app, { parseJson: false }), { bodyParser: false });
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('forwards method, path, query, body and headers to the owning service, with the correlation id', async () => {
    const response = await request(app.getHttpServer())
      .post('/api/v1/workspaces/ws-1/config-versions/import?dryRun=true')
      .set('x-correlation-id', 'corr-gw-1')
      .set('idempotency-key', 'key-1')
      .send({ sourceType: 'APPROVAL_MATRIX' })
      .expect(201);
    expect(response.body).toEqual({ echoed: true });
    expect(response.headers['x-upstream']).toBe('config');
    const last = seen[seen.length - 1];
    expect(last.method).toBe('POST');
    expect(last.url).toBe('/api/v1/workspaces/ws-1/config-versions/import?dryRun=true');
    expect(JSON.parse(last.body.toString())).toEqual({ sourceType: 'APPROVAL_MATRIX' });
    expect(last.headers['x-correlation-id']).toBe('corr-gw-1');
    expect(last.headers['idempotency-key']).toBe('key-1');
    expect(last.headers['x-forwarded-proto']).toBe('http');
  });

  it('streams uploads byte for byte and passes the service status through', async () => {
    const file = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    await request(app.getHttpServer())
      .post('/api/v1/workspaces/ws-1/sites/import-conflict')
      .attach('file', file, { filename: 'sites.xlsx', contentType: 'application/octet-stream' })
      .expect(409);
    const last = seen[seen.length - 1];
    expect(last.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(last.body.includes(file)).toBe(true);
  });

  it('answers 502 problem+json naming the service when it is down', async () => {
    const response = await request(app.getHttpServer()).get('/api/v1/workspaces/ws-1/inbox').expect(502);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(response.text)).toMatchObject({ status: 502, code: 'UPSTREAM_UNAVAILABLE', service: 'workflow' });
  });

  it('answers 404 problem+json for a path no service serves, without calling any', async () => {
    const before = seen.length;
    const response = await request(app.getHttpServer()).get('/api/v1/workspaces/ws-1/nothing-here').expect(404);
    expect(JSON.parse(response.text)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(seen.length).toBe(before);
  });
});
