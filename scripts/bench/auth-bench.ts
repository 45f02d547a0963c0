import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ACCESS_POLICY, MembershipSource, TokenVerifier, type AccessPolicy } from '@atp/platform-auth';
import { runInWorkspace } from '@atp/platform-database';
import { createHttpAdapter } from '@atp/platform-http';
import { configureHttp } from '@atp/platform-runtime';
import { testIssuerEnv, testToken } from '@atp/testing';
import { AppModule } from '../../apps/config-service/src/app.module';
import { loadAppEnv } from '../../apps/config-service/src/config/env';
import { ConfigVersionsController } from '../../apps/config-service/src/config-versions/config-versions.controller';
import { UsersService } from '../../apps/config-service/src/directory/users.service';
import { WorkspaceMembershipSource } from '../../apps/config-service/src/directory/workspace-membership.source';
import { WorkspacesService } from '../../apps/config-service/src/directory/workspaces.service';

/**
 * Cost of authentication and authorization (issue 7):
 * 1. TokenVerifier.verify per request (RS256, JWKS file), µs p50/p99, next to a JSON.parse of the same
 *    token's payload as the in-run reference;
 * 2. what the guard spends per request besides: the membership lookup (one database round trip when
 *    uncached, in the route's tenant scope) and its cached answer, µs p50/p99;
 * 3. throughput of GET /workspaces/:id/config-versions with the guard (token + cached membership), with the
 *    guard reading the membership on every request (the lookup before the cache), and with its declaration
 *    switched to @Public() (the guard returns at once), in rounds that interleave chunks of the three (rotating
 *    the order). Each round gives a ratio to its own @Public() figure; the cost is the median ratio.
 *    Target: the guard costs ≤ 10 %.
 * Run: npm run migrate; set -a; . .local/stack.env; set +a; DATABASE_URL=$CONFIG_DATABASE_URL npm run bench:auth
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const REQUESTS_PER_ROUND = Number(process.env.BENCH_REQUESTS ?? 800);
const CONCURRENCY = 8;
const CHUNK = 50;

const percentile = (samples: number[], p: number) =>
  [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)];
const median = (values: number[]) => percentile(values, 50);

async function verificationCost(): Promise<void> {
  const env = testIssuerEnv();
  const verifier = new TokenVerifier({
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    jwksFile: env.AUTH_JWKS_FILE,
    algorithms: ['RS256'],
    clockSkewSeconds: 30,
  });
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
  console.log(
    `token verification (RS256, 4,500 calls): p50 ${percentile(verify, 50).toFixed(1)} µs, p99 ${percentile(verify, 99).toFixed(1)} µs`,
  );
  console.log(
    `  reference, JSON.parse of the payload alone: p50 ${percentile(parse, 50).toFixed(1)} µs, p99 ${percentile(parse, 99).toFixed(1)} µs`,
  );
}

interface Uncached {
  lookUp(workspaceId: string, userId: string): Promise<unknown>;
}

/** The guard's membership lookup alone, in the route's tenant scope: a database round trip, and the cached answer. */
async function lookupCost(source: WorkspaceMembershipSource, workspaceId: string, userId: string): Promise<void> {
  const uncached: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < 1200; i++) {
    let t = performance.now();
    await runInWorkspace(workspaceId, () => (source as unknown as Uncached).lookUp(workspaceId, userId));
    if (i >= 200) uncached.push((performance.now() - t) * 1000);
    t = performance.now();
    await runInWorkspace(workspaceId, () => source.activeRoles(workspaceId, userId));
    if (i >= 200) cached.push((performance.now() - t) * 1000);
  }
  console.log(
    `membership lookup (1,000 calls): database p50 ${percentile(uncached, 50).toFixed(0)} µs, p99 ${percentile(uncached, 99).toFixed(0)} µs;` +
      ` cached p50 ${percentile(cached, 50).toFixed(1)} µs, p99 ${percentile(cached, 99).toFixed(1)} µs`,
  );
}

/** Seconds that `count` GETs take with `CONCURRENCY` in flight over the agent's keep-alive connections. */
async function throughput(
  port: number,
  path: string,
  headers: Record<string, string>,
  count: number,
  agent: Agent,
): Promise<number> {
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const call = request({ host: '127.0.0.1', port, path, headers, agent }, (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`)),
        );
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
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  await verificationCost();

  const env = loadAppEnv({
    ...process.env,
    ...testIssuerEnv(),
    SERVICE_NAME: 'auth-bench',
    PORT: '0',
    LOG_LEVEL: 'error',
  });
  const app: INestApplication = await NestFactory.create(AppModule.forRoot(env), createHttpAdapter(), {
    logger: ['error'],
    bodyParser: false, // configureHttp installs the one parser, as in main.ts
  });
  configureHttp(app);
  await app.listen(0, '127.0.0.1');
  try {
    const salt = randomBytes(4).toString('hex');
    const actor = `u-auth-bench-${salt}`;
    await app.get(UsersService).create({ id: actor, email: `${actor}@bench.example`, fullName: 'Bench' }, null);
    const { workspaceId } = await app
      .get(WorkspacesService)
      .create(
        { code: `AUTH-BENCH-${salt.toUpperCase()}`, name: 'Bench', customerGroupId: 'b', vendorOwnerId: 'b' },
        actor,
      );
    const port = Number(new URL(await app.getUrl()).port);
    const path = `/api/v1/workspaces/${workspaceId}/config-versions`;
    const headers = { authorization: `Bearer ${testToken(actor, { expiresIn: '1h' })}` };

    await lookupCost(app.get(MembershipSource) as WorkspaceMembershipSource, workspaceId, actor);

    const handler = ConfigVersionsController.prototype.list;
    const declared = Reflect.getMetadata(ACCESS_POLICY, handler) as AccessPolicy;
    const source = app.get(MembershipSource) as WorkspaceMembershipSource;
    const cachedRoles = source.activeRoles.bind(source);
    const uncachedRoles = ((ws: string, user: string) =>
      (source as unknown as Uncached).lookUp(ws, user)) as typeof cachedRoles;
    const variants = {
      cached: () => {
        Reflect.defineMetadata(ACCESS_POLICY, declared, handler);
        source.activeRoles = cachedRoles;
      },
      uncached: () => {
        Reflect.defineMetadata(ACCESS_POLICY, declared, handler);
        source.activeRoles = uncachedRoles;
      },
      open: () => Reflect.defineMetadata(ACCESS_POLICY, { kind: 'public' } satisfies AccessPolicy, handler),
    };
    const names = Object.keys(variants) as Array<keyof typeof variants>;
    const rates: Record<keyof typeof variants, number[]> = { cached: [], uncached: [], open: [] };
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    variants.cached();
    await throughput(port, path, headers, 500, agent); // warm-up
    // The machine is shared: its load drifts within seconds. Each round interleaves short chunks of the three
    // variants (rotating the order), so the figures of one round are measured under the same load.
    for (let round = 0; round < ROUNDS; round++) {
      const seconds: Record<keyof typeof variants, number> = { cached: 0, uncached: 0, open: 0 };
      for (let chunk = 0; chunk < REQUESTS_PER_ROUND / CHUNK; chunk++) {
        for (let i = 0; i < names.length; i++) {
          const name = names[(round + chunk + i) % names.length];
          variants[name]();
          seconds[name] += await throughput(port, path, headers, CHUNK, agent);
        }
      }
      for (const name of names) rates[name].push(REQUESTS_PER_ROUND / seconds[name]);
    }
    agent.destroy();
    variants.cached();
    const costs = (name: 'cached' | 'uncached') => rates[name].map((r, i) => (1 - r / rates.open[i]) * 100);
    const show = (values: number[], digits = 0) => values.map((v) => v.toFixed(digits)).join(', ');
    console.log(
      `GET ${path.replace(workspaceId, ':workspaceId')} (${ROUNDS} rounds of ${REQUESTS_PER_ROUND} per variant in interleaved chunks of ${CHUNK}, ${CONCURRENCY} in flight):`,
    );
    console.log(
      `  declared @Public() (reference):          ${show(rates.open)} req/s, median ${median(rates.open).toFixed(0)}`,
    );
    console.log(
      `  guard, membership cached (as deployed):  ${show(rates.cached)} req/s, median ${median(rates.cached).toFixed(0)}`,
    );
    console.log(
      `  guard, membership read every request:    ${show(rates.uncached)} req/s, median ${median(rates.uncached).toFixed(0)}`,
    );
    console.log(
      `  guard cost per round, cached:   ${show(costs('cached'), 1)} % → median ${median(costs('cached')).toFixed(1)} % (target ≤ 10 %)`,
    );
    console.log(
      `  guard cost per round, uncached: ${show(costs('uncached'), 1)} % → median ${median(costs('uncached')).toFixed(1)} %`,
    );
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
