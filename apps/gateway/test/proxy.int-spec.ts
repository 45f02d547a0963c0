import { createServer, get as httpGet, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createHttpAdapter } from '@atp/platform-http';
import { configureHttp } from '@atp/platform-runtime';
import { bootAppForTest, serviceTestEnv, testIssuer, waitFor, type TestIssuer } from '@atp/testing';
import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';
import { configureGateway } from '../src/gateway-http';

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
  const closedEarly: string[] = [];
  let issuer: TestIssuer;
  let auth: { authorization: string };

  beforeAll(async () => {
    issuer = await testIssuer();
    auth = await issuer.headers('u-gw-1');
    upstream = createServer((req, res) => {
      if (req.url?.includes('hang')) {
        // Never answers: the gateway's total time limit or the client's abort must end it.
        req.on('close', () => closedEarly.push(req.url ?? ''));
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(req.url?.includes('conflict') ? 409 : 201, {
          'content-type': 'application/json',
          'x-upstream': 'config',
        });
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
        ...issuer.env,
        REQUEST_TIMEOUT_MS: '1500',
        RATE_LIMIT_PER_USER: '40',
        BODY_LIMIT_SPREADSHEET_BYTES: '400000',
        CORS_ORIGINS: 'https://app.atp.example',
      }),
    );
    app = await bootAppForTest(
      AppModule.forRoot(env),
      (app) => {
        configureHttp(app, { parseJson: false });
        configureGateway(app, env);
      },
      { createAdapter: createHttpAdapter },
    );
    await new Promise<void>((resolve) => (app.getHttpServer() as Server).listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('forwards method, path, query, body and headers to the owning service, with the correlation id', async () => {
    const response = await request(app.getHttpServer())
      .post('/api/v1/workspaces/ws-1/config-versions/import?dryRun=true')
      .set(auth)
      .set('x-user-id', 'u-forged')
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
    expect(last.headers.authorization).toBe(auth.authorization);
    expect(last.headers['x-user-id']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a request without a valid bearer token with 401 problem+json, without calling the service', async () => {
    const before = seen.length;
    for (const headers of [
      {},
      { authorization: 'Bearer not-a-jwt' },
      await issuer.headers('u-gw-1', { expiresIn: '-1m' }),
    ]) {
      const response = await request(app.getHttpServer()).get('/api/v1/workspaces/ws-1/sites').set(headers).expect(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(response.text)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
    expect(seen.length).toBe(before);
  });

  it('refuses a body over its route class limit by Content-Length, and a streamed one once it passes the limit', async () => {
    const before = seen.length;
    const big = Buffer.alloc(500_000, 1);
    const declared = await request(app.getHttpServer())
      .post('/api/v1/workspaces/ws-1/sites/import')
      .set(auth)
      .attach('file', big, { filename: 'sites.xlsx', contentType: 'application/octet-stream' });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: 400_000 });
    expect(seen.length).toBe(before);
    const jsonTooBig = await request(app.getHttpServer())
      .post('/api/v1/workspaces/ws-1/routing/dry-run')
      .set(auth)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ siteCode: 'x'.repeat(1_100_000) }));
    expect(jsonTooBig.status).toBe(413);
  });

  it('answers 504 problem+json when the whole exchange takes longer than its limit, and ends the upstream request', async () => {
    const response = await request(app.getHttpServer())
      .get('/api/v1/workspaces/ws-1/sites/hang-1')
      .set(auth)
      .expect(504);
    expect(JSON.parse(response.text)).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT', service: 'config' });
    await waitFor(async () => closedEarly.includes('/api/v1/workspaces/ws-1/sites/hang-1'), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'upstream closed',
    });
  });

  it('ends the upstream request when the client goes away', async () => {
    const req = request(app.getHttpServer()).get('/api/v1/workspaces/ws-1/sites/hang-2').set(auth).timeout(300);
    await expect(req).rejects.toThrow();
    await waitFor(async () => closedEarly.includes('/api/v1/workspaces/ws-1/sites/hang-2'), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'upstream closed',
    });
  });

  it('rate limits per user with 429 and Retry-After', async () => {
    const limited = await issuer.headers('u-gw-busy');
    const statuses: number[] = [];
    let refusal: request.Response | undefined;
    for (let i = 0; i < 45; i++) {
      const response = await request(app.getHttpServer()).get('/api/v1/users/u-1').set(limited);
      statuses.push(response.status);
      if (response.status === 429) refusal ??= response;
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(Number(refusal?.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refusal?.text ?? '{}')).toMatchObject({ code: 'RATE_LIMITED', scope: 'user' });
    // Another user is not affected.
    await request(app.getHttpServer()).get('/api/v1/users/u-1').set(auth).expect(201);
  });

  it('answers CORS preflights for the configured origins only', async () => {
    const allowed = await request(app.getHttpServer())
      .options('/api/v1/users')
      .set('origin', 'https://app.atp.example')
      .set('access-control-request-method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.atp.example');
    const other = await request(app.getHttpServer())
      .options('/api/v1/users')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('streams uploads byte for byte and passes the service status through', async () => {
    const file = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    await request(app.getHttpServer())
      .post('/api/v1/workspaces/ws-1/sites/import-conflict')
      .set(auth)
      .attach('file', file, { filename: 'sites.xlsx', contentType: 'application/octet-stream' })
      .expect(409);
    const last = seen[seen.length - 1];
    expect(last.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(last.body.includes(file)).toBe(true);
  });

  it('answers 502 problem+json naming the service when it is down', async () => {
    const response = await request(app.getHttpServer()).get('/api/v1/workspaces/ws-1/inbox').set(auth).expect(502);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(response.text)).toMatchObject({ status: 502, code: 'UPSTREAM_UNAVAILABLE', service: 'workflow' });
  });

  it('forwards the request target verbatim: dot segments do not climb out of /api/v1 to a service route', async () => {
    // node:http sends the path as written (supertest would resolve the dot segments before sending).
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const status = await new Promise<number | undefined>((resolve, reject) =>
      httpGet({ host: '127.0.0.1', port, path: '/api/v1/users/../../metrics?x=1', headers: auth }, (answer) => {
        answer.resume();
        resolve(answer.statusCode);
      }).on('error', reject),
    );
    expect(status).toBe(201);
    expect(seen[seen.length - 1].url).toBe('/api/v1/users/../../metrics?x=1');
  });

  it('refuses a NUL in the path at the edge, counts forwarded requests, and leaves its own routes to Nest', async () => {
    const before = seen.length;
    const nul = await request(app.getHttpServer()).get('/api/v1/workspaces/ws-1/sites/a%00b').set(auth).expect(400);
    expect(JSON.parse(nul.text)).toMatchObject({ code: 'INVALID_CHARACTER' });
    expect(nul.headers['x-correlation-id']).toBeDefined();
    expect(seen.length).toBe(before);
    await request(app.getHttpServer()).get('/health/live').expect(200);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /atp_http_requests_total\{method="POST",route="\/api\/v1\/\*path",status="201"[^}]*\} \d+/,
    );
    expect(metrics.text).toMatch(
      /atp_http_requests_total\{method="GET",route="\/api\/v1\/\*path",status="400"[^}]*\} \d+/,
    );
  });

  it('answers 404 problem+json for a path no service serves, without calling any', async () => {
    const before = seen.length;
    const response = await request(app.getHttpServer())
      .get('/api/v1/workspaces/ws-1/nothing-here')
      .set(auth)
      .expect(404);
    expect(JSON.parse(response.text)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(seen.length).toBe(before);
  });
});
