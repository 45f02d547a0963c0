import type { DynamicModule, INestApplication } from '@nestjs/common';
import request from 'supertest';
import { bootAppForTest, type ConfigureHttp } from './app';
import { waitFor } from './wait';

/**
 * The checks every service must pass once booted against the real stack: liveness, readiness with
 * PostgreSQL and Kafka up, Prometheus metrics including the outbox backlog, problem+json for an
 * unknown route, and the correlation id echoed back.
 */
export function describeServiceSmoke(
  serviceName: string,
  module: () => DynamicModule,
  configureHttp: ConfigureHttp,
): void {
  describe(`${serviceName} runtime`, () => {
    let app: INestApplication;
    jest.setTimeout(90000);

    beforeAll(async () => {
      app = await bootAppForTest(module(), configureHttp);
    });

    afterAll(async () => {
      await app?.close();
    });

    it('is live, and ready once PostgreSQL and Kafka answer', async () => {
      await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
      const ready = await waitFor(
        async () => {
          const response = await request(app.getHttpServer()).get('/health/ready');
          return response.status === 200 && response;
        },
        { timeoutMs: 60000, intervalMs: 500, what: `${serviceName} to be ready` },
      );
      expect(ready.body).toEqual({
        status: 'ready',
        checks: { postgres: { status: 'up' }, kafka: { status: 'up' }, consumers: { status: 'up' } },
      });
    });

    it('serves Prometheus metrics with the outbox gauges', async () => {
      const response = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(response.text).toContain('atp_outbox_backlog');
      expect(response.text).toContain('atp_outbox_oldest_unpublished_age_seconds');
      expect(response.text).toContain(`service="${serviceName}"`);
    });

    it('answers an unknown route with problem+json and echoes the correlation id', async () => {
      const response = await request(app.getHttpServer())
        .get('/api/v1/no-such-thing')
        .set('x-correlation-id', 'corr-smoke-1')
        .expect(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['x-correlation-id']).toBe('corr-smoke-1');
      expect(JSON.parse(response.text)).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
        instance: '/api/v1/no-such-thing',
      });
    });
  });
}
