import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ACCESS_POLICY, TokenVerifier, type AccessPolicy } from '@atp/platform-auth';
import { configureHttp } from '@atp/platform-runtime';
import { testIssuerEnv, testToken } from '@atp/testing';
import { AppModule } from '../../apps/config-service/src/app.module';
import { loadAppEnv } from '../../apps/config-service/src/config/env';
import { ConfigVersionsController } from '../../apps/config-service/src/config-versions/config-versions.controller';
import { UsersService } from '../../apps/config-service/src/directory/users.service';
import { WorkspacesService } from '../../apps/config-service/src/directory/workspaces.service';

/**
 * Cost of authentication and authorization (issue 7):
 * 1. TokenVerifier.verify per request (RS256, JWKS file), µs p50/p99, next to a JSON.parse of the same
 *    token's payload as the in-run reference;
 * 2. throughput of GET /workspaces/:id/config-versions with the guard (token + membership lookup) against
 *    the same endpoint with its declaration switched to @Public() (the guard returns at once), in
 *    alternating rounds of the same run. Target: the guard costs ≤ 10 %.
 * Run: npm run migrate; set -a; . .local/stack.env; set +a; DATABASE_URL=$CONFIG_DATABASE_URL npm run bench:auth
 */
const ROUNDS = 3;
const REQUESTS_PER_ROUND = 2000;
const CONCURRENCY = 8;

const percentile = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)];
const median = (values: number[]) => percentile(values, 50);

async function verificationCost(): Promise<void> {
  const env = testIssuerEnv();
  const verifier = new TokenVerifier({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwksFile: env.AUTH_JWKS_FILE, algorithms: ['RS256'], clockSkewSeconds: 30 });
  const tokens = Array.from({ length: 200 }, (_, i) => testToken(`u-bench-${i}`));
  const verify: number[] = [];
  const parse: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const token = tokens[i % tokens.length];
    let t = performance.now();
    await verifier.verify(`Bearer ${token}`);
    if (i >= 500) verify.push((performance.now() - t) * 1000);
    t = performance.now();
    JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    if (i >= 500) parse.push((performance.now() - t) * 1000);
  }
  console.log(`token verification (RS256, 4,500 calls): p50 ${percentile(verify, 50).toFixed(1)} µs, p99 ${percentile(verify, 99).toFixed(1)} µs`);
  console.log(`  reference, JSON.parse of the payload alone: p50 ${percentile(parse, 50).toFixed(1)} µs, p99 ${percentile(parse, 99).toFixed(1)} µs`);
}

/** Requests per second of `count` GETs with `CONCURRENCY` in flight over keep-alive connections. */
async function throughput(port: number, path: string, headers: Record<string, string>, count: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const call = request({ host: '127.0.0.1', port, path, headers, agent }, (response) => {
        response.resume();
        response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
      });
      call.on('error', reject);
      call.end();
    });
  const worker = async () => {
    while (sent < count) {
      sent++;
      await one();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return count / seconds;
}

async function main(): Promise<void> {
  await verificationCost();

  const env = loadAppEnv({ ...process.env, ...testIssuerEnv(), SERVICE_NAME: 'auth-bench', PORT: '0', LOG_LEVEL: 'error' });
  const app: INestApplication = await NestFactory.create(AppModule.forRoot(env), { logger: ['error'] });
  configureHttp(app);
  await app.listen(0, '127.0.0.1');
  try {
    const salt = randomBytes(4).toString('hex');
    const actor = `u-auth-bench-${salt}`;
    await app.get(UsersService).create({ id: actor, email: `${actor}@bench.example`, fullName: 'Bench' }, null);
    const { workspaceId } = await app.get(WorkspacesService).create({ code: `AUTH-BENCH-${salt.toUpperCase()}`, name: 'Bench', customerGroupId: 'b', vendorOwnerId: 'b' }, actor);
    const port = Number(new URL(await app.getUrl()).port);
    const path = `/api/v1/workspaces/${workspaceId}/config-versions`;
    const headers = { authorization: `Bearer ${testToken(actor, { expiresIn: '1h' })}` };

    const handler = ConfigVersionsController.prototype.list;
    const declared = Reflect.getMetadata(ACCESS_POLICY, handler) as AccessPolicy;
    const guarded: number[] = [];
    const open: number[] = [];
    await throughput(port, path, headers, 500); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      Reflect.defineMetadata(ACCESS_POLICY, declared, handler);
      guarded.push(await throughput(port, path, headers, REQUESTS_PER_ROUND));
      Reflect.defineMetadata(ACCESS_POLICY, { kind: 'public' } satisfies AccessPolicy, handler);
      open.push(await throughput(port, path, headers, REQUESTS_PER_ROUND));
    }
    Reflect.defineMetadata(ACCESS_POLICY, declared, handler);
    const cost = (1 - median(guarded) / median(open)) * 100;
    console.log(`GET ${path.replace(workspaceId, ':workspaceId')} (${ROUNDS} alternating rounds of ${REQUESTS_PER_ROUND}, ${CONCURRENCY} in flight):`);
    console.log(`  with the guard (token + membership): ${guarded.map((r) => r.toFixed(0)).join(', ')} req/s, median ${median(guarded).toFixed(0)}`);
    console.log(`  declared @Public() (guard returns):  ${open.map((r) => r.toFixed(0)).join(', ')} req/s, median ${median(open).toFixed(0)}`);
    console.log(`  guard cost: ${cost.toFixed(1)} % of throughput (target ≤ 10 %)`);
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
