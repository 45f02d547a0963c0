import type { FastifyReply } from 'fastify';
import { HealthController, type HealthCheck } from './health.controller';

function fakeResponse() {
  const captured: { status?: number; body?: unknown } = {};
  const response = {
    code(code: number) {
      captured.status = code;
      return response;
    },
    send(body: unknown) {
      captured.body = body;
      return response;
    },
  };
  return { response: response as unknown as FastifyReply, captured };
}

describe('HealthController', () => {
  it('is ready when every dependency answers', async () => {
    const checks: HealthCheck[] = [
      { name: 'postgres', check: async () => undefined },
      { name: 'kafka', check: async () => undefined },
    ];
    const { response, captured } = fakeResponse();
    await new HealthController(checks).ready(response);
    expect(captured).toEqual({
      status: 200,
      body: { status: 'ready', checks: { postgres: { status: 'up' }, kafka: { status: 'up' } } },
    });
  });

  it('answers 503 naming the dependency that failed or hung', async () => {
    const checks: HealthCheck[] = [
      {
        name: 'postgres',
        check: async () => {
          throw new Error('connection refused');
        },
      },
      { name: 'kafka', check: () => new Promise<void>(() => undefined) },
    ];
    const { response, captured } = fakeResponse();
    await new HealthController(checks).ready(response);
    expect(captured.status).toBe(503);
    expect(captured.body).toEqual({
      status: 'unavailable',
      checks: {
        postgres: { status: 'down', error: 'connection refused' },
        kafka: { status: 'down', error: 'timed out after 2000 ms' },
      },
    });
  });

  it('is live without asking any dependency', () => {
    expect(new HealthController([]).live()).toEqual({ status: 'ok' });
  });
});
