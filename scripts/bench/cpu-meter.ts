/**
 * CPU time spent on a phase of a benchmark, by this process, by the service under test when it runs as its own
 * process, and by the local PostgreSQL server (its postmaster and every backend, read from /proc). On a machine
 * shared with other work, wall-clock rates swing with the load; CPU milliseconds per operation do not, so
 * benchmarks print both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface CpuSample {
  processMs: number;
  /** The service process's, when `cpuSample` was given its pid. */
  serviceMs: number | null;
  /** Null where the server is not the local stack's (no pid file) or /proc is unreadable. */
  postgresMs: number | null;
}

/** utime+stime (fields 14, 15) and, for the postmaster, its reaped children's (16, 17); and the ppid. */
function statOf(pid: string): { ppid: number; own: number; children: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // fields[0] is field 3 (state): field n is fields[n - 3].
    return { ppid: fields[1], own: fields[11] + fields[12], children: fields[13] + fields[14] };
  } catch {
    return null;
  }
}

function postgresTicks(): number | null {
  const postmaster = pidFromFile('postgres');
  const root = postmaster ? statOf(String(postmaster)) : null;
  if (!postmaster || !root) return null;
  let ticks = root.own + root.children;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statOf(name);
    if (stat?.ppid === postmaster) ticks += stat.own;
  }
  return ticks;
}

/** `servicePid`: a service under test in its own process (or its replicas, summed), measured apart from this one. */
export function cpuSample(servicePid?: number | readonly number[]): CpuSample {
  const usage = process.cpuUsage();
  const ticks = postgresTicks();
  const pids = servicePid === undefined ? [] : typeof servicePid === 'number' ? [servicePid] : servicePid;
  const services = pids.map((pid) => statOf(String(pid)));
  const serviceTicks = services.every((stat) => stat !== null)
    ? services.reduce((sum, stat) => sum + stat!.own, 0)
    : null;
  return {
    processMs: (usage.user + usage.system) / 1000,
    serviceMs: pids.length > 0 && serviceTicks !== null ? (serviceTicks * 1000) / TICKS_PER_SECOND : null,
    postgresMs: ticks === null ? null : (ticks * 1000) / TICKS_PER_SECOND,
  };
}

/**
 * "node 4.1 + postgres 2.0 ms CPU per <unit>" for the CPU spent since `start`, over `count` operations; with a
 * service pid, "client 1.0 + service 3.1 + postgres 2.0 ms" (`serviceName` names the process measured apart).
 */
export function cpuPer(
  start: CpuSample,
  count: number,
  unit: string,
  servicePid?: number | readonly number[],
  serviceName = 'service',
): string {
  const end = cpuSample(servicePid);
  const node = (end.processMs - start.processMs) / count;
  const service = start.serviceMs === null || end.serviceMs === null ? null : (end.serviceMs - start.serviceMs) / count;
  const parts = [
    service === null ? `node ${node.toFixed(1)}` : `client ${node.toFixed(1)} + ${serviceName} ${service.toFixed(1)}`,
  ];
  if (start.postgresMs !== null && end.postgresMs !== null)
    parts.push(`postgres ${((end.postgresMs - start.postgresMs) / count).toFixed(1)}`);
  return `${parts.join(' + ')} ms CPU per ${unit}`;
}

/** Busy and total CPU time so far of the whole machine (/proc/stat: every core, every process), in ticks. */
export interface MachineSample {
  busy: number;
  total: number;
}

export function machineSample(): MachineSample {
  // cpu user nice system idle iowait irq softirq steal: idle and iowait are the time no process ran.
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** "the machine's 2 cores were 85 % busy" since `start`: whether a phase was bound by CPU or waited for something. */
export function machineBusy(start: MachineSample): string {
  const end = machineSample();
  const share = (end.busy - start.busy) / (end.total - start.total);
  return `the machine's ${availableParallelism()} cores were ${(share * 100).toFixed(0)} % busy`;
}

const STACK_APPS = ['gateway', 'config-service', 'workflow-service', 'submission-service', 'punchlist-service'];

/** The PID a process of the local stack wrote to `.local/run/<name>.pid`, if it did. */
function pidFromFile(name: string): number | null {
  try {
    return Number(readFileSync(join(process.cwd(), `.local/run/${name}.pid`), 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

/** CPU ms so far of every process of the local stack `npm start` runs (apps, PostgreSQL, Kafka) and of this one. */
export function stackCpuSample(): Record<string, number> {
  const sample: Record<string, number> = {};
  for (const name of [...STACK_APPS, 'kafka']) {
    const pid = pidFromFile(name);
    const stat = pid ? statOf(String(pid)) : null;
    if (stat) sample[name] = (stat.own * 1000) / TICKS_PER_SECOND;
  }
  const { processMs, postgresMs } = cpuSample();
  if (postgresMs !== null) sample.postgres = postgresMs;
  sample['this benchmark'] = processMs;
  return sample;
}

/** Where the CPU of a phase went: "gateway 0.4 + workflow-service 1.1 + … = 4.0 ms CPU per decision". */
export function stackCpuPer(start: Record<string, number>, count: number, unit: string): string {
  const end = stackCpuSample();
  const parts = Object.keys(start)
    .filter((name) => end[name] !== undefined)
    .map((name) => ({ name, ms: (end[name] - start[name]) / count }));
  const total = parts.reduce((sum, part) => sum + part.ms, 0);
  return `${parts.map((p) => `${p.name} ${p.ms.toFixed(2)}`).join(' + ')} = ${total.toFixed(2)} ms CPU per ${unit}`;
}
