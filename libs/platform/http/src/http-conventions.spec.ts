import { Body, Controller, Get, Module, Param, Post, Query, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsInt, IsString, Min } from 'class-validator';
import request from 'supertest';
import { decodeCursor, encodeCursor } from './pagination';
import { ConflictError, UnknownReferenceError } from './problem-details';
import { ProblemDetailsFilter } from './problem-details.filter';
import { correlationMiddleware, currentCorrelationId } from './request-context';
import { JsonBodyLimit } from './edge/body-limit';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { installBodyParser, jsonBodyParser } from './edge/json-body.parser';
import { createHttpAdapter } from './http-adapter';
import { declaredBodyLimits } from './edge/route-body-limits';
import { strictValidationPipe } from './validation.pipe';

class CreateThing {
  @IsString()
  name!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

@Controller('t')
class ProbeController {
  @Post('things')
  create(@Body() body: CreateThing) {
    return { ...body, correlationId: currentCorrelationId() };
  }

  @Get('conflict')
  conflict() {
    throw new ConflictError('ALREADY_DECIDED', 'stage s-1 was decided already', { stageId: 's-1' });
  }

  @Get('unknown-ref')
  unknownRef() {
    throw new UnknownReferenceError('siteId', 'site-404', 'site');
  }

  @Post('big/:id')
  @JsonBodyLimit(3 * 1024 * 1024)
  big(@Param('id') id: string, @Body() body: { text: string }) {
    return { id, length: body.text.length };
  }

  @Get('unique')
  unique() {
    throw Object.assign(new Error('duplicate key value violates unique constraint "uq_sites_code"'), {
      driverError: { code: '23505', detail: 'Key (code)=(X) already exists.', constraint: 'uq_sites_code' },
    });
  }

  @Get('pg/:code')
  pg(@Param('code') code: string) {
    throw Object.assign(new Error(`pg said ${code}`), {
      driverError: { code, detail: 'Process 123 waits for ShareLock' },
    });
  }

  @Get('aborted')
  aborted() {
    throw Object.assign(new Error('request aborted'), {
      status: 400,
      statusCode: 400,
      expose: true,
      type: 'request.aborted',
    });
  }

  @Get('boom')
  boom() {
    throw new Error('secret internal detail');
  }

  @Get('page')
  page(@Query('cursor') cursor?: string) {
    return { position: decodeCursor(cursor, ['id']) };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('HTTP conventions', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestApplication(createHttpAdapter(), { logger: false, bodyParser: false });
    const adapter = app.getHttpAdapter() as FastifyAdapter;
    adapter.setOnRequestHook((request, reply, done) => correlationMiddleware(request.raw, reply.raw, done));
    installBodyParser(adapter.getInstance(), jsonBodyParser({ routes: declaredBodyLimits(app) }));
    app.useGlobalPipes(strictValidationPipe());
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await adapter.getInstance().ready();
  });

  afterAll(() => app.close());

  const problem = (response: request.Response) => {
    expect(response.headers['content-type']).toContain('application/problem+json');
    return JSON.parse(response.text) as Record<string, unknown>;
  };

  it('accepts a valid body and carries the caller correlation id through the request', async () => {
    const response = await request(app.getHttpServer())
      .post('/t/things')
      .set('x-request-id', 'abc-123')
      .send({ name: 'n', quantity: 2 })
      .expect(201);
    expect(response.body).toEqual({ name: 'n', quantity: 2, correlationId: 'abc-123' });
    expect(response.headers['x-correlation-id']).toBe('abc-123');
  });

  it('replaces a malformed correlation id with a fresh one', async () => {
    const response = await request(app.getHttpServer())
      .post('/t/things')
      .set('x-correlation-id', 'bad id with spaces')
      .send({ name: 'n', quantity: 1 })
      .expect(201);
    expect(response.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a NUL character escaped in a JSON string (PostgreSQL text cannot hold it), not an escaped backslash', async () => {
    const refused = await request(app.getHttpServer())
      .post('/t/things')
      .type('json')
      .send('{"name":"a\\u0000b","quantity":1}')
      .expect(400);
    expect(problem(refused)).toMatchObject({ status: 400, code: 'INVALID_CHARACTER' });
    await request(app.getHttpServer())
      .post('/t/things')
      .type('json')
      .send('{"name":"a\\\\u0000b","quantity":1}')
      .expect(201);
  });

  it('refuses unknown fields and wrong types, naming each field', async () => {
    const response = await request(app.getHttpServer())
      .post('/t/things')
      .send({ name: 5, quantity: 0, extra: true })
      .expect(400);
    const body = problem(response);
    expect(body).toMatchObject({ status: 400, title: 'Bad Request', code: 'VALIDATION_FAILED', instance: '/t/things' });
    const fields = (body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['extra', 'name', 'quantity']);
  });

  it('maps domain errors with their extensions', async () => {
    expect(problem(await request(app.getHttpServer()).get('/t/conflict').expect(409))).toMatchObject({
      status: 409,
      code: 'ALREADY_DECIDED',
      stageId: 's-1',
      type: 'https://atp.example/problems/already-decided',
    });
    expect(problem(await request(app.getHttpServer()).get('/t/unknown-ref').expect(422))).toMatchObject({
      code: 'UNKNOWN_REFERENCE',
      field: 'siteId',
      value: 'site-404',
      entity: 'site',
    });
  });

  it("answers constraint violations that escaped a check with 4xx, never 500, without the database's words", async () => {
    const response = await request(app.getHttpServer()).get('/t/unique').expect(409);
    expect(problem(response)).toMatchObject({ code: 'CONFLICT' });
    expect(response.text).not.toMatch(/uq_sites_code|Key \(code\)|unique constraint/);
  });

  it.each([
    ['40001', 409, 'CONCURRENT_UPDATE', '1'],
    ['40P01', 409, 'CONCURRENT_UPDATE', '1'],
    ['55P03', 503, 'BUSY', '2'],
    ['57P03', 503, 'SERVICE_UNAVAILABLE', '5'],
  ])('answers the transient database error %s with %i %s and Retry-After', async (pgCode, status, code, retryAfter) => {
    const response = await request(app.getHttpServer()).get(`/t/pg/${pgCode}`).expect(status);
    expect(problem(response)).toMatchObject({ status, code });
    expect(response.headers['retry-after']).toBe(retryAfter);
    expect(response.text).not.toContain('ShareLock');
  });

  it('maps a body-parser http-error that reached the filter to its stable code', async () => {
    expect(problem(await request(app.getHttpServer()).get('/t/aborted').expect(400))).toMatchObject({
      code: 'REQUEST_ABORTED',
    });
  });

  it('does not echo a long rejected value', async () => {
    const response = await request(app.getHttpServer())
      .post('/t/things')
      .send({ name: 5, quantity: 'q'.repeat(90_000) })
      .expect(400);
    const errors = problem(response).errors as Array<{ field: string; value?: unknown; valueLength?: number }>;
    expect(errors.find((e) => e.field === 'name')).toMatchObject({ value: 5 });
    const quantity = errors.filter((e) => e.field === 'quantity');
    expect(quantity[0]).toMatchObject({ valueLength: 90_000 });
    expect(quantity.every((e) => e.value === undefined)).toBe(true);
    expect(response.text.length).toBeLessThan(2_000);
  });

  it('parses JSON up to the limit a route declares, and refuses more with 413', async () => {
    const text = 'y'.repeat(2 * 1024 * 1024);
    expect((await request(app.getHttpServer()).post('/t/big/b-1').send({ text }).expect(201)).body).toEqual({
      id: 'b-1',
      length: text.length,
    });
    const tooBig = await request(app.getHttpServer())
      .post('/t/big/b-1')
      .send({ text: text + text })
      .expect(413);
    expect(problem(tooBig)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: 3 * 1024 * 1024 });
    // Other routes keep the default 1 MB.
    expect(
      problem(await request(app.getHttpServer()).post('/t/things').send({ name: text, quantity: 1 }).expect(413)),
    ).toMatchObject({ limitBytes: 1024 * 1024 });
  });

  it('hides internal details of unexpected errors', async () => {
    const body = problem(await request(app.getHttpServer()).get('/t/boom').expect(500));
    expect(body).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('round-trips cursors and refuses forged ones', async () => {
    const cursor = encodeCursor({ id: 'x-9' });
    expect((await request(app.getHttpServer()).get(`/t/page?cursor=${cursor}`).expect(200)).body).toEqual({
      position: { id: 'x-9' },
    });
    const body = problem(await request(app.getHttpServer()).get('/t/page?cursor=not-a-cursor').expect(400));
    expect((body.errors as Array<{ field: string }>)[0].field).toBe('cursor');
  });
});
