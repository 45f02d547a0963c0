/**
 * `npm run bench` (issue 14 item 6): every figure of issue 14's table in one run, each next to its
 * reference measured in the same run (pgbench, a bare node:http server, raw kafkajs), printed with its
 * ratio and target; the database figures once with the local commit setting and once with durable
 * commits (the whole cluster switched with ALTER SYSTEM, restored at the end).
 * Needs `npm start` running for the HTTP figures (skipped, and said so, otherwise).
 * Env: BENCH_COMMITS (local,durable), BENCH_SKIP (comma list of: workflow,messaging,notify,http,rss).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { runHttpBench } from './http-bench';
import { runMessagingBench } from './messaging-bench';
import { setClusterDurable } from './lib/cluster';
import { commitLabel, loadStackEnv } from './lib/figures';
import { idleRss } from './lib/idle-rss';
import { notifyLockCost } from './lib/decision-sql';
import { pgbenchTpcb } from './lib/pgbench';
import type { WorkflowBenchFigures } from './workflow-bench';

const root = path.resolve(__dirname, '../..');
const skip = new Set(
  (process.env.BENCH_SKIP ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
);
const commits = (process.env.BENCH_COMMITS ?? 'local,durable').split(',').map((v) => v.trim() === 'durable');

interface Row {
  figure: string;
  value: string;
  reference: string;
  ratio: string;
  target: string;
  met: boolean | null;
}
const rows: Row[] = [];
const say = (line: string) => console.log(`[bench] ${line}`);

/** Runs one of the existing bench scripts and returns its output lines (printed as they come). */
function script(file: string, env: Record<string, string> = {}, args: string[] = []): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './scripts/register.cjs', file, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk.toString().replace(/^(?=.)/gm, `  ${path.basename(file)}: `));
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output.split('\n')) : reject(new Error(`${file} exited with ${code}`)),
    );
  });
}

async function databaseFigures(durable: boolean): Promise<void> {
  const label = commitLabel(durable);
  say(`--- ${label} ---`);
  const tps = await pgbenchTpcb({ durable, clients: 32, seconds: 10 });
  say(`reference, pgbench TPC-B, 32 clients: ${tps.toFixed(0)} tps`);
  if (!skip.has('workflow')) await section(`workflow-bench (${label})`, () => workflowFigures(label, tps));
  if (!skip.has('messaging')) await section(`messaging (${label})`, () => messagingFigures(durable, label));
  if (!skip.has('notify')) await section(`notify lock (${label})`, () => notifyLockFigures(durable, label));
}

/** Five service databases committing decisions at 100/s each, with and without a NOTIFY per commit. */
async function notifyLockFigures(durable: boolean, label: string): Promise<void> {
  const silent = await notifyLockCost({ durable, notify: false });
  const notifying = await notifyLockCost({ durable, notify: true });
  say(
    `decision SQL, 5 databases × 100/s (${label}): commit without NOTIFY ${silent.latencyAverageMs.toFixed(1)} ms average, ` +
      `with NOTIFY on every commit ${notifying.latencyAverageMs.toFixed(1)} ms`,
  );
  rows.push({
    figure: `decision SQL latency, 5 databases × 100/s, relay adaptive (${label})`,
    value: `${silent.latencyAverageMs.toFixed(1)} ms average`,
    reference: `NOTIFY on every commit ${notifying.latencyAverageMs.toFixed(1)} ms`,
    ratio: `${(notifying.latencyAverageMs / silent.latencyAverageMs).toFixed(1)} ×`,
    target: 'no commit serialized by NOTIFY',
    met: null,
  });
}

/** A section that fails is reported in the table and the run goes on with the next one. */
async function section(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    say(`${name} failed: ${(error as Error).message}`);
    rows.push({
      figure: name,
      value: `failed: ${(error as Error).message}`,
      reference: '—',
      ratio: '—',
      target: '—',
      met: false,
    });
  }
}

async function workflowFigures(label: string, tps: number): Promise<void> {
  // workflow-service's providers in-process against the development database, in a child of their own.
  const lines = await script(
    'scripts/bench/workflow-bench.ts',
    {
      DATABASE_URL: process.env.WORKFLOW_DATABASE_URL ?? '',
      DATABASE_MIGRATION_URL: process.env.WORKFLOW_MIGRATION_DATABASE_URL ?? '',
    },
    ['--json'],
  );
  const json = lines.find((line) => line.startsWith('WORKFLOW_BENCH_JSON '));
  if (!json) throw new Error('workflow-bench printed no figures');
  const f = JSON.parse(json.slice('WORKFLOW_BENCH_JSON '.length)) as WorkflowBenchFigures;
  const decisions = Math.round(f.decisionsPerSecond);
  rows.push({
    figure: `decision transactions/s, 32 callers (${label})`,
    value: `${decisions}/s`,
    reference: `pgbench TPC-B ${tps.toFixed(0)} tps`,
    ratio: (decisions / tps).toFixed(2),
    target: '≥ 1,000/s and ≥ 0.4 × pgbench',
    met: decisions >= 1000 && decisions / tps >= 0.4,
  });
  rows.push({
    figure: `workflow start, handler transaction (${label})`,
    value: `p50 ${f.startP50Ms.toFixed(1)} ms, p99 ${f.startP99Ms.toFixed(1)} ms`,
    reference: '—',
    ratio: '—',
    target: 'p99 ≤ 10 ms',
    met: f.startP99Ms <= 10,
  });
  rows.push({
    figure: `start burst: ${f.burst.events} qa-approved events → workflows (${label})`,
    value: `${f.burst.seconds.toFixed(1)} s, ${f.burst.perSecond.toFixed(0)}/s`,
    reference: '—',
    ratio: '—',
    target: '≥ 500 starts/s (5,000 in ≤ 10 s)',
    met: f.burst.perSecond >= 500,
  });
}

async function messagingFigures(durable: boolean, label: string): Promise<void> {
  const figures = await runMessagingBench({
    backlog: 20000,
    latencyEvents: 3000,
    commits: [durable],
    log: (line) => say(line),
  });
  for (const phase of figures.phases) {
    const e = phase.endToEnd;
    rows.push({
      figure: `outbox commit → handler at 500/s, relay ${phase.wakeUp} (${label})`,
      value: `p50 ${e.p50.toFixed(1)} ms, p99 ${e.p99.toFixed(1)} ms`,
      reference: `raw kafkajs p50 ${figures.rawKafka.p50.toFixed(1)} ms, p99 ${figures.rawKafka.p99.toFixed(1)} ms`,
      ratio: `p50 ${(e.p50 / figures.rawKafka.p50).toFixed(1)} ×`,
      target: 'p50 ≤ 10 ms, p99 ≤ 50 ms',
      met: e.p50 <= 10 && e.p99 <= 50,
    });
  }
}

async function main(): Promise<void> {
  loadStackEnv();
  const adminUrl = process.env.ATP_PG_ADMIN_URL;
  if (!adminUrl) throw new Error('no ATP_PG_ADMIN_URL: run `npm run stack:up` (or `npm start`) first');
  try {
    for (const durable of commits) {
      await setClusterDurable(adminUrl, durable);
      await databaseFigures(durable);
    }
  } finally {
    await setClusterDurable(adminUrl, false);
  }
  if (!skip.has('http')) {
    try {
      const http = await runHttpBench((line) => say(line));
      const byCpu = http.bareNode.cpuMicrosPerRequest / http.healthLive.cpuMicrosPerRequest;
      rows.push({
        figure: 'GET /health/live, 16 connections',
        value: `${Math.round(http.healthLive.perSecond)} req/s, ${Math.round(http.healthLive.cpuMicrosPerRequest)} µs CPU/req`,
        reference: `bare node:http ${Math.round(http.bareNode.perSecond)} req/s, ${Math.round(http.bareNode.cpuMicrosPerRequest)} µs CPU/req`,
        ratio: `${(http.healthLive.perSecond / http.bareNode.perSecond).toFixed(2)} × (CPU: ${byCpu.toFixed(2)} ×)`,
        target: '≥ 0.4 × bare node',
        met: http.healthLive.perSecond / http.bareNode.perSecond >= 0.4,
      });
      const cost = 1 - http.dryRunGateway.perSecond / http.dryRunDirect.perSecond;
      rows.push({
        figure: 'POST routing/dry-run through the gateway',
        value: `${Math.round(http.dryRunGateway.perSecond)} req/s`,
        reference: `direct ${Math.round(http.dryRunDirect.perSecond)} req/s`,
        ratio: `costs ${(cost * 100).toFixed(0)} %`,
        target: '≤ 20 %',
        met: cost <= 0.2,
      });
    } catch (error) {
      say(`HTTP figures skipped: ${(error as Error).message} (they need \`npm start\`)`);
    }
  }
  if (!skip.has('rss')) {
    const port = Number(process.env.ATP_PORT_BASE ?? 3000) + 30;
    const build = await idleRss('build', port);
    const source = await idleRss('source', port);
    rows.push({
      figure: 'RSS of an idle config-service',
      value: `${build.toFixed(0)} MB from the production build`,
      reference: `${source.toFixed(0)} MB from source`,
      ratio: (build / source).toFixed(2),
      target: '≤ 150 MB from a production build',
      met: build <= 150,
    });
  }
  console.log('\n| Figure | Value | Reference (same run) | Ratio | Target | Met |\n|---|---|---|---|---|---|');
  for (const row of rows)
    console.log(
      `| ${row.figure} | ${row.value} | ${row.reference} | ${row.ratio} | ${row.target} | ${row.met === null ? '—' : row.met ? 'yes' : 'no'} |`,
    );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
