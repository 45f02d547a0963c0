import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '@atp/platform-auth';
import { HEALTH_CHECKS } from './tokens';
import { ApiOkResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';

export type HealthCheck = { name: string; check: () => Promise<void> };

const CHECK_TIMEOUT_MS = 2000;

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return Promise.race([
    promise,
    new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);
}

type Schema = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

const READINESS_SCHEMA: Schema = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    checks: {
      type: 'object',
      description: 'by check name (postgres, kafka, …)',
      additionalProperties: {
        type: 'object',
        required: ['status'],
        properties: { status: { type: 'string', enum: ['up', 'down'] }, error: { type: 'string' } },
      },
    },
  },
};

/** Liveness says the process runs; readiness says it can serve (PostgreSQL and Kafka reachable). */
@Controller('health')
@Public() // probes carry no token; they reveal nothing but up/down
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  @Get('live')
  @ApiOkResponse({
    schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } },
  })
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'every check is up (503, same shape, when one is down)', schema: READINESS_SCHEMA })
  async ready(@Res() response: FastifyReply): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, { status: 'up' }] as const;
        } catch (error) {
          return [name, { status: 'down', error: (error as Error).message }] as const;
        }
      }),
    );
    const ok = results.every(([, result]) => result.status === 'up');
    void response
      .code(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .send({ status: ok ? 'ready' : 'unavailable', checks: Object.fromEntries(results) });
  }
}
