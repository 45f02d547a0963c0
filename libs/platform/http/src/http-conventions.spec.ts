import { Body, Controller, Get, Module, Post, Query, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsInt, IsString, Min } from 'class-validator';
import request from 'supertest';
import { decodeCursor, encodeCursor } from './pagination';
import { ConflictError, UnknownReferenceError } from './problem-details';
import { ProblemDetailsFilter } from './problem-details.filter';
import { correlationMiddleware, currentCorrelationId } from './request-context';
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

  @Get('unique')
  unique() {
    throw Object.assign(new Error('duplicate key'), { driverError: { code: '23505', detail: 'Key (code)=(X) already exists.' } });
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
    app = moduleRef.createNestApplication({ logger: false });
    app.use(correlationMiddleware);
    app.useGlobalPipes(strictValidationPipe());
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
  });

  afterAll(() => app.close());

  const problem = (response: request.Response) => {
    expect(response.headers['content-type']).toContain('application/problem+json');
    return JSON.parse(response.text) as Record<string, unknown>;
  };

  it('accepts a valid body and carries the caller correlation id through the request', async () => {
    const response = await request(app.getHttpServer()).post('/t/things').set('x-request-id', 'abc-123').send({ name: 'n', quantity: 2 }).expect(201);
    expect(response.body).toEqual({ name: 'n', quantity: 2, correlationId: 'abc-123' });
    expect(response.headers['x-correlation-id']).toBe('abc-123');
  });

  it('replaces a malformed correlation id with a fresh one', async () => {
    const response = await request(app.getHttpServer()).post('/t/things').set('x-correlation-id', 'bad id with spaces').send({ name: 'n', quantity: 1 }).expect(201);
    expect(response.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses unknown fields and wrong types, naming each field', async () => {
    const response = await request(app.getHttpServer()).post('/t/things').send({ name: 5, quantity: 0, extra: true }).expect(400);
    const body = problem(response);
    expect(body).toMatchObject({ status: 400, title: 'Bad Request', code: 'VALIDATION_FAILED', instance: '/t/things' });
    const fields = (body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['extra', 'name', 'quantity']);
  });

  it('maps domain errors with their extensions', async () => {
    expect(problem(await request(app.getHttpServer()).get('/t/conflict').expect(409))).toMatchObject({
      status: 409, code: 'ALREADY_DECIDED', stageId: 's-1', type: 'https://atp.example/problems/already-decided',
    });
    expect(problem(await request(app.getHttpServer()).get('/t/unknown-ref').expect(422))).toMatchObject({
      code: 'UNKNOWN_REFERENCE', field: 'siteId', value: 'site-404', entity: 'site',
    });
  });

  it('answers constraint violations that escaped a check with 4xx, never 500', async () => {
    expect(problem(await request(app.getHttpServer()).get('/t/unique').expect(409))).toMatchObject({ code: 'CONFLICT', detail: 'Key (code)=(X) already exists.' });
  });

  it('hides internal details of unexpected errors', async () => {
    const body = problem(await request(app.getHttpServer()).get('/t/boom').expect(500));
    expect(body).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('round-trips cursors and refuses forged ones', async () => {
    const cursor = encodeCursor({ id: 'x-9' });
    expect((await request(app.getHttpServer()).get(`/t/page?cursor=${cursor}`).expect(200)).body).toEqual({ position: { id: 'x-9' } });
    const body = problem(await request(app.getHttpServer()).get('/t/page?cursor=not-a-cursor').expect(400));
    expect((body.errors as Array<{ field: string }>)[0].field).toBe('cursor');
  });
});
