/** A small closed-loop HTTP load generator (keep-alive connections, each sending its next request on the answer). */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  url: string;
  connections?: number;
  seconds?: number;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface LoadResult {
  perSecond: number;
  requests: number;
  /** Answers with another status than expected (counted, not in perSecond). */
  unexpected: number;
  statuses: Record<number, number>;
  /** CPU time (user + system) the watched processes spent per answered request, in microseconds. */
  cpuMicrosPerRequest: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/**
 * Throughput under a closed loop, and the CPU the serving processes (`cpuPids`) spent per request: on a
 * shared machine the throughput follows whatever else runs, the CPU cost per request much less so.
 */
export async function load(options: LoadOptions & { cpuPids?: number[] }, expectStatus = 200): Promise<LoadResult> {
  const connections = options.connections ?? 16;
  const seconds = options.seconds ?? 5;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(options.url);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers = {
    ...options.headers,
    ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
  };
  const statuses: Record<number, number> = {};
  let ok = 0;
  let unexpected = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: options.method ?? 'GET',
          headers,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            if (res.statusCode === expectStatus) ok++;
            else unexpected++;
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  // Warm-up (JIT, connection set-up), then the measured window.
  const warmUntil = performance.now() + 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < warmUntil) await one();
    }),
  );
  ok = 0;
  unexpected = 0;
  for (const key of Object.keys(statuses)) delete statuses[Number(key)];
  const cpuOf = () => (options.cpuPids ?? []).reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
  const cpuBefore = cpuOf();
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) await one();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuOf() - cpuBefore;
  agent.destroy();
  return {
    perSecond: ok / elapsed,
    requests: ok,
    unexpected,
    statuses,
    cpuMicrosPerRequest: ok ? (cpu * 1e6) / ok : Number.NaN,
  };
}
