/**
 * Per-request overhead (issue 14 item 4), against the stack `npm start` runs:
 *   GET /health/live of a service (16 connections) next to a bare node:http server in the same run
 *   (target ≥ 0.4 ×); POST routing/dry-run direct to config-service and through the gateway (target:
 *   the gateway costs ≤ 20 %).   npm run bench:http   (BENCH_HTTP_SECONDS, default 5)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { DevIssuerIdentity } from '../../e2e/support/dev-identity';
import { load, type LoadResult } from './lib/http-load';

const root = path.resolve(__dirname, '../..');
const local = process.env.ATP_LOCAL_DIR ?? path.join(root, '.local');
const portBase = Number(process.env.ATP_PORT_BASE ?? 3000);
const seconds = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const gateway = `http://127.0.0.1:${portBase}`;
const configService = `http://127.0.0.1:${portBase + 1}`;

export interface HttpFigures {
  bareNode: LoadResult;
  healthLive: LoadResult;
  dryRunDirect: LoadResult;
  dryRunGateway: LoadResult;
}

/** PID of an app `npm start` runs (scripts/lib/apps.mjs writes it). */
function appPid(app: string): number {
  return Number(readFileSync(path.join(local, 'run', `${app}.pid`), 'utf8').trim());
}

/** The reference: node:http answering the same body as /health/live, in its own process like a service. */
async function startBareServer(): Promise<{ url: string; child: ChildProcess }> {
  const code = `const s = require('node:http').createServer((q, r) => { r.writeHead(200, { 'content-type': 'application/json' }); r.end('{"status":"ok"}'); });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}`, child };
}

async function seededWorkspaceId(headers: Record<string, string>): Promise<string> {
  const answer = await fetch(`${gateway}/api/v1/workspaces`, { headers });
  if (answer.status !== 200) throw new Error(`GET /workspaces answered ${answer.status}: is \`npm start\` running?`);
  const body = (await answer.json()) as
    | { items?: Array<{ workspaceId: string; code: string }> }
    | Array<{ workspaceId: string; code: string }>;
  const items = Array.isArray(body) ? body : (body.items ?? []);
  const seeded = items.find((w) => w.code === 'XLSMART-AVIAT') ?? items[0];
  if (!seeded) throw new Error('u-admin is a member of no workspace: did `npm start` seed the demo workspace?');
  return seeded.workspaceId;
}

const rate = (result: LoadResult) =>
  `${Math.round(result.perSecond).toLocaleString('en-US')} req/s, ` +
  `${Math.round(result.cpuMicrosPerRequest)} µs CPU/request` +
  (result.unexpected ? ` (${result.unexpected} unexpected answers: ${JSON.stringify(result.statuses)})` : '');

export async function runHttpBench(log: (line: string) => void = console.log): Promise<HttpFigures> {
  const bare = await startBareServer();
  try {
    const config = appPid('config-service');
    const bareNode = await load({ url: `${bare.url}/health/live`, seconds, cpuPids: [bare.child.pid!] });
    log(`reference, bare node:http: ${rate(bareNode)}`);
    const health = await load({ url: `${configService}/health/live`, seconds, cpuPids: [config] });
    log(
      `GET /health/live of config-service: ${rate(health)} = ${(health.perSecond / bareNode.perSecond).toFixed(2)} × bare node ` +
        `by throughput, ${(bareNode.cpuMicrosPerRequest / health.cpuMicrosPerRequest).toFixed(2)} × by CPU per request (target ≥ 0.4 ×)`,
    );
    const headers = await new DevIssuerIdentity(local).headersFor('u-admin');
    const workspaceId = await seededWorkspaceId(headers);
    const body = JSON.stringify({ scopeCode: 'MW_NEW', atpCategory: 'RAN_MW', siteCode: 'JKT-0001' });
    const dryRun = (base: string) =>
      load({
        url: `${base}/api/v1/workspaces/${workspaceId}/routing/dry-run`,
        method: 'POST',
        body,
        headers,
        seconds,
        cpuPids: [config, appPid('gateway')],
      });
    const direct = await dryRun(configService);
    const through = await dryRun(gateway);
    const cost = 1 - through.perSecond / direct.perSecond;
    const cpuCost = 1 - direct.cpuMicrosPerRequest / through.cpuMicrosPerRequest;
    log(
      `POST routing/dry-run direct: ${rate(direct)}; through the gateway: ${rate(through)} (CPU of both processes); ` +
        `the gateway costs ${(cost * 100).toFixed(0)} % of the throughput, ${(cpuCost * 100).toFixed(0)} % of the CPU per request (target ≤ 20 %)`,
    );
    return { bareNode, healthLive: health, dryRunDirect: direct, dryRunGateway: through };
  } finally {
    bare.child.kill();
  }
}

if (require.main === module) {
  runHttpBench().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`[bench:http] ${(error as Error).stack ?? error}`);
      process.exit(1);
    },
  );
}
