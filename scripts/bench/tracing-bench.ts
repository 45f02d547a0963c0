import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { testToken } from '@atp/testing';

/**
 * Cost of tracing (issue 15): req/s and p50/p99 of one read through the gateway
 * (GET /api/v1/workspaces/:id/config-versions: gateway → config-service → PostgreSQL) against the e2e
 * stack left running (ATP_E2E_KEEP=1). Run it once with the stack started with tracing on (the e2e
 * default) and once with ATP_E2E_TRACING=false; it answers the apps' OTLP exports itself (200, spans
 * discarded), so the export is part of what is measured.
 * Run: ATP_TEST_ISSUER_KEY_FILE=.local/test-issuer/signing-key.jwk.json node -r ./scripts/register.cjs
 *      scripts/bench/tracing-bench.ts
 */
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8000);
const CONCURRENCY = 8;

const state = JSON.parse(readFileSync(path.resolve('.local/e2e/stack.json'), 'utf8')) as {
  gatewayUrl: string;
  demoWorkspaceId: string;
  otlpPort: number;
};
const gateway = new URL(state.gatewayUrl);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const headers = { authorization: `Bearer ${testToken('u-admin', { expiresIn: '1h' })}` };
const routePath = `/api/v1/workspaces/${state.demoWorkspaceId}/config-versions`;

function get(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: gateway.hostname, port: gateway.port, path: routePath, headers, agent }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  let exported = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exported++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => sink.listen(state.otlpPort, '127.0.0.1', resolve));
  for (let i = 0; i < 50; i++) await get(); // warm-up: connections, JIT, caches
  const latencies: number[] = [];
  const deadline = Date.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) latencies.push(await get());
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the last batches
  sink.close();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)].toFixed(1);
  console.log(
    `${routePath.replace(state.demoWorkspaceId, ':id')}: ${latencies.length} requests in ${seconds.toFixed(1)} s, ` +
      `${(latencies.length / seconds).toFixed(0)} req/s, p50 ${at(50)} ms, p99 ${at(99)} ms, OTLP exports received ${exported}`,
  );
}

void main();
