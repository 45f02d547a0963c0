import express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { httpMetricsMiddleware } from './http-metrics';

async function serve(): Promise<{ app: express.Express; registry: Registry }> {
  const registry = new Registry();
  const app = express();
  app.use(httpMetricsMiddleware(registry));
  app.get('/api/v1/workspaces/:workspaceId', (_req, res) => void res.json({ ok: true }));
  app.get('/api/v1/boom', (_req, res) => void res.status(503).json({ code: 'DOWN' }));
  app.get('/health/ready', (_req, res) => void res.json({ status: 'ready' }));
  return { app, registry };
}

describe('httpMetricsMiddleware', () => {
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

  it('registers once per registry (a second app in the same process reuses the metrics)', async () => {
    const registry = new Registry();
    httpMetricsMiddleware(registry);
    expect(() => httpMetricsMiddleware(registry)).not.toThrow();
  });
});
