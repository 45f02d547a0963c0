import {
  Body,
  Controller,
  createParamDecorator,
  HttpCode,
  Module,
  Param,
  Post,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createScratchDatabase, type ScratchDatabase } from '@atp/testing';
import { createServiceDataSource, inTransaction } from '@atp/platform-database';
import type { FastifyInstance } from 'fastify';
import { installBodyParser, jsonBodyParser } from '../src/edge/json-body.parser';
import { createHttpAdapter } from '../src/http-adapter';
import { IdempotencyKeys1764000000100 } from '../src/idempotency/idempotency-keys.migration';
import { IdempotencyKeysPerCaller1764990000000 } from '../src/idempotency/idempotency-per-caller.migration';
import { IdempotencyStore, type StoredResponse } from '../src/idempotency/idempotency.store';
import { Idempotency, type IdempotentRequest } from '../src/idempotency/idempotent-request';
import { StoredResponseInterceptor } from '../src/idempotency/stored-response.interceptor';
import { IdempotencyKey } from '../src/idempotency/idempotency-key';

/**
 * The access guard of @atp/platform-auth (which this library cannot import) puts the verified caller on
 * the request; here a test header stands in for the token.
 */
const CallerId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<{ caller: { userId: string } }>().caller.userId,
);
import { DomainError } from '../src/problem-details';
import { ProblemDetailsFilter } from '../src/problem-details.filter';
import { strictValidationPipe } from '../src/validation.pipe';

const WS = '33333333-3333-4333-8333-333333333333';
let source: DataSource;

/** Counts the work a request really did: one row per run. */
async function runs(label: string): Promise<number> {
  const rows = (await source.query(`SELECT count(*)::int AS n FROM work_done WHERE label = $1`, [label])) as Array<{
    n: number;
  }>;
  return rows[0].n;
}

@Controller('api/v1/workspaces/:workspaceId')
class ProbeController {
  constructor(private readonly store: IdempotencyStore) {}

  /** The explicit form (workflow-service): a StoredResponse with its own status. */
  @Post('decide/:label')
  decide(
    @Param('label') label: string,
    @CallerId() callerId: string,
    @IdempotencyKey() key: string | null,
    @Body() body: Record<string, unknown>,
  ): Promise<StoredResponse> {
    return inTransaction(source, (manager) =>
      this.store.run(manager, { workspaceId: WS, callerId, key }, `decide:${label}`, body, async () => {
        const [row] = (await manager.query(`INSERT INTO work_done (label) VALUES ($1) RETURNING id`, [
          label,
        ])) as Array<{ id: number }>;
        if (body.fail) throw new DomainError(422, 'REFUSED', 'refused on purpose');
        if (body.slowMs) await new Promise((resolve) => setTimeout(resolve, Number(body.slowMs)));
        return { status: 202, body: { run: row.id, label } };
      }),
    );
  }

  /** The request form (config-service): the route's status, the handler's own result. */
  @Post('create/:label')
  @HttpCode(201)
  create(
    @Param('label') label: string,
    @Body() _body: Record<string, unknown>,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    return inTransaction(source, (manager) =>
      this.store.once(manager, idempotency, async () => {
        const [row] = (await manager.query(`INSERT INTO work_done (label) VALUES ($1) RETURNING id`, [
          label,
        ])) as Array<{ id: number }>;
        return { run: row.id, at: new Date(0) };
      }),
    );
  }
}

@Module({ controllers: [ProbeController], providers: [IdempotencyStore] })
class ProbeModule {}

describe('IdempotencyStore over HTTP (real PostgreSQL)', () => {
  let scratch: ScratchDatabase;
  let app: INestApplication;
  jest.setTimeout(60_000);
  const http = () => request(app.getHttpServer());
  const decide = (label: string, user: string, key: string | null, body: object) => {
    const req = http().post(`/api/v1/workspaces/${WS}/decide/${label}`).set('x-test-caller', user);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase('http_idem');
    source = createServiceDataSource({
      url: scratch.url,
      applicationName: 'idempotency-test',
      migrations: [IdempotencyKeys1764000000100, IdempotencyKeysPerCaller1764990000000],
      poolSize: 8,
    });
    await source.initialize();
    await source.runMigrations();
    await source.query(`CREATE TABLE work_done (id SERIAL PRIMARY KEY, label TEXT NOT NULL)`);
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestApplication(createHttpAdapter(), { logger: false, bodyParser: false });
    const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
    fastify.addHook('onRequest', (request, _reply, done) => {
      (request as { caller?: { userId: string } }).caller = { userId: String(request.headers['x-test-caller'] ?? '') };
      done();
    });
    installBodyParser(fastify, jsonBodyParser());
    app.useGlobalPipes(strictValidationPipe());
    app.useGlobalFilters(new ProblemDetailsFilter());
    app.useGlobalInterceptors(new StoredResponseInterceptor());
    await app.init();
    await fastify.ready();
  });

  afterAll(async () => {
    await app?.close();
    await source?.destroy();
    await scratch?.drop();
  });

  it('answers with the stored status, replays the first answer and does the work once', async () => {
    const first = await decide('a', 'u-1', 'k-a', { x: 1, y: [1, 2] }).expect(202);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    const again = await decide('a', 'u-1', 'k-a', { y: [1, 2], x: 1 }).expect(202);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await runs('a')).toBe(1);
  });

  it('refuses the same key with another body (422) or for another operation, and changes nothing', async () => {
    await decide('b', 'u-1', 'k-b', { x: 1 }).expect(202);
    expect((await decide('b', 'u-1', 'k-b', { x: 2 }).expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await decide('b2', 'u-1', 'k-b', { x: 1 }).expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect([await runs('b'), await runs('b2')]).toEqual([1, 0]);
  });

  it('scopes keys per caller: another user with the same key runs their own request', async () => {
    const mine = await decide('c', 'u-1', 'k-c', { x: 1 }).expect(202);
    const theirs = await decide('c', 'u-2', 'k-c', { x: 1 }).expect(202);
    expect(theirs.headers['idempotency-replayed']).toBeUndefined();
    expect(theirs.body.run).not.toBe(mine.body.run);
    expect(await runs('c')).toBe(2);
  });

  it('stores nothing for a refused request, so a retry under the same key runs again', async () => {
    await decide('d', 'u-1', 'k-d', { fail: true }).expect(422);
    const rows = (await source.query(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE idempotency_key = 'k-d'`,
    )) as Array<{ n: number }>;
    expect(rows[0].n).toBe(0);
    expect(await runs('d')).toBe(0);
    await decide('d', 'u-1', 'k-d', { fail: false }).expect(202);
    expect(await runs('d')).toBe(1);
  });

  it('serializes concurrent requests with one key: one run, the same answer for all', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => decide('e', 'u-1', 'k-e', { slowMs: 200 })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
    expect(answers.filter((a) => a.headers['idempotency-replayed'] === 'true')).toHaveLength(4);
    expect(await runs('e')).toBe(1);
  });

  it('answers 409 while the first request with the key is still running elsewhere', async () => {
    // A claim left without an answer is what a concurrent reader sees of a first request in flight.
    await source.query(
      `INSERT INTO idempotency_keys (workspace_id, caller_id, idempotency_key, request_fingerprint) VALUES ($1, 'u-1', 'k-f', $2)`,
      [WS, new IdempotencyStore().fingerprint('decide:f', {})],
    );
    expect((await decide('f', 'u-1', 'k-f', {}).expect(409)).body.code).toBe('IDEMPOTENT_REQUEST_IN_FLIGHT');
    expect(await runs('f')).toBe(0);
  });

  it('works without a key, and refuses a malformed key naming the header', async () => {
    await decide('g', 'u-1', null, {}).expect(202);
    await decide('g', 'u-1', null, {}).expect(202);
    expect(await runs('g')).toBe(2);
    const bad = await decide('g', 'u-1', 'has spaces', {}).expect(400);
    expect(bad.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('replays the request form (route status, JSON body as first sent) from the fingerprint of path and body', async () => {
    const create = (label: string, key: string, body: object) =>
      http()
        .post(`/api/v1/workspaces/${WS}/create/${label}`)
        .set('x-test-caller', 'u-1')
        .set('Idempotency-Key', key)
        .send(body);
    const first = await create('h', 'k-h', { a: 1 }).expect(201);
    const again = await create('h', 'k-h', { a: 1 }).expect(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(first.body.at).toBe('1970-01-01T00:00:00.000Z');
    expect((await create('h2', 'k-h', { a: 1 }).expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await runs('h')).toBe(1);
  });
});
