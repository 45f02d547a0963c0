import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { httpExchangeObserver, observeFastifyExchange } from './http-exchange';

async function serve() {
  const registry = new Registry();
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const fastify = Fastify();
  const observe = httpExchangeObserver(registry, pino(sink));
  fastify.addHook('onRequest', (req, reply, done) => {
    observeFastifyExchange(observe, req, reply);
    (req.raw as { id?: string }).id = 'corr-1';
    done();
  });
  fastify.get('/api/v1/workspaces/:workspaceId', async () => ({ ok: true }));
  fastify.get('/api/v1/boom', async (_req, reply) => reply.code(503).send({ code: 'DOWN' }));
  fastify.get('/health/ready', async () => ({ status: 'ready' }));
  await fastify.ready();
  return { app: fastify.server, registry, lines };
}

describe('httpExchangeObserver', () => {
  it('counts requests by route pattern and status, not by raw path, and skips probes', async () => {
    const { app, registry } = await serve();
    await request(app).get('/api/v1/workspaces/w-1').expect(200);
    await request(app).get('/api/v1/workspaces/w-2').expect(200);
    await request(app).get('/api/v1/boom').expect(503);
    await request(app).get('/nowhere').expect(404);
    await request(app).get('/health/ready').expect(200);

    const text = await registry.metrics();
    const workspaceRoute = 'method="GET",route="/api/v1/workspaces/:workspaceId",status="200"';
    expect(text).toContain(`atp_http_requests_total{${workspaceRoute}} 2`);
    expect(text).toContain('atp_http_requests_total{method="GET",route="/api/v1/boom",status="503"} 1');
    expect(text).toContain('atp_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain(`atp_http_request_duration_seconds_count{${workspaceRoute}} 2`);
    expect(text).not.toContain('w-1');
    expect(text).not.toContain('/health');
  });

  it('writes one access line per request with its correlation id and status, 5xx as errors, none for probes', async () => {
    const { app, lines } = await serve();
    await request(app).get('/api/v1/workspaces/w-1?limit=5').expect(200);
    await request(app).get('/api/v1/boom').expect(503);
    await request(app).get('/health/ready').expect(200);
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request completed',
        correlationId: 'corr-1',
        req: { id: 'corr-1', method: 'GET', url: '/api/v1/workspaces/w-1?limit=5' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
      }),
      expect.objectContaining({ level: 50, msg: 'request errored', res: { statusCode: 503 } }),
    ]);
  });

  it('registers once per registry (a second app in the same process reuses the metrics)', () => {
    const registry = new Registry();
    httpExchangeObserver(registry, pino({ enabled: false }));
    expect(() => httpExchangeObserver(registry, pino({ enabled: false }))).not.toThrow();
  });
});
