// Process helpers: PID files, port probes, waiting, running commands, a lock file. Node built-ins only.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

export function readPid(file) {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim().split('\n')[0], 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function writePid(file, pid) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${pid}\n`);
}

export function removeFile(file) {
  rmSync(file, { force: true });
}

/** The command line of a live process, or '' (a PID file can outlive its process and the PID be reused). */
export function cmdlineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls `probe` until it returns a truthy value; throws after timeoutMs with the last error. */
export async function waitFor(what, probe, { timeoutMs = 60_000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
      if (err && err.fatal) throw err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`,
      );
    }
    await sleep(intervalMs);
  }
}

/** Error that makes waitFor give up at once (the process we wait for has died, say). */
export function fatal(message) {
  return Object.assign(new Error(message), { fatal: true });
}

/**
 * Runs a command to completion and collects its output. `check` (default true) throws on a
 * non-zero exit with the output, so failures of initdb, mvn, … are shown, not swallowed.
 */
export function run(cmd, args, { check = true, env, cwd, input, echo = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: env ?? process.env,
      cwd,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (echo) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (echo) process.stderr.write(d);
    });
    child.once('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
    child.once('close', (code, signal) => {
      const result = { code: code ?? 128, signal, stdout, stderr };
      if (check && code !== 0) {
        const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-30).join('\n');
        reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code ?? signal})\n${output}`));
      } else resolve(result);
    });
    if (input !== undefined) {
      child.stdin.on('error', () => undefined); // a command may exit without reading its input
      child.stdin.end(input);
    }
  });
}

/** Runs a command with inherited stdio (its output goes straight to the terminal); resolves its exit code. */
export function runInherit(cmd, args, { env, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: env ?? process.env, cwd, stdio: 'inherit' });
    child.once('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** SIGTERM (or `signal`), wait up to graceMs, then SIGKILL. Resolves true when the process is gone. */
export async function stopPid(pid, { signal = 'SIGTERM', graceMs = 10_000, group = false } = {}) {
  if (!isAlive(pid)) return true;
  const send = (sig) => {
    try {
      process.kill(group ? -pid : pid, sig);
    } catch {
      /* already gone */
    }
  };
  send(signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  send('SIGKILL');
  for (let i = 0; i < 25 && isAlive(pid); i++) await sleep(200);
  return !isAlive(pid);
}

/**
 * A cross-process lock (an O_EXCL file holding the owner's PID) so that two `stack up` calls at the
 * same moment do not both run initdb or start a second broker. A lock whose owner died is taken over.
 */
const heldLocks = new Map(); // file -> depth, so a holder may call another locked function

export async function withLock(file, fn, { timeoutMs = 15 * 60_000, onWait } = {}) {
  if (heldLocks.get(file)) {
    heldLocks.set(file, heldLocks.get(file) + 1);
    try {
      return await fn();
    } finally {
      heldLocks.set(file, heldLocks.get(file) - 1);
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = readPid(file);
      if (!owner || !isAlive(owner)) {
        // Owner died (or is still writing its PID: give it a moment before taking over).
        await sleep(100);
        const again = readPid(file);
        if (again === owner && (!again || !isAlive(again))) removeFile(file);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`lock ${file} held by PID ${owner} for too long`);
      if (!told && onWait) onWait(owner);
      told = true;
      await sleep(250);
    }
  }
  heldLocks.set(file, 1);
  try {
    return await fn();
  } finally {
    heldLocks.delete(file);
    if (readPid(file) === process.pid) removeFile(file);
  }
}

/** Last `lines` lines of a text file ('' if absent), optionally only the part after byte `from`. */
export function tailFile(file, lines = 40, from = 0) {
  try {
    const text = readFileSync(file).subarray(from).toString('utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '';
  }
}

export function elapsed(start) {
  return `${((Date.now() - start) / 1000).toFixed(1)} s`;
}

const COLORS = [36, 33, 35, 32, 34, 91, 96, 93];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

/** `[name]` in a stable colour per name, for interleaved output of several processes. */
export function label(name, index = 0) {
  const text = `[${name}]`;
  return useColor ? `\x1b[${COLORS[index % COLORS.length]}m${text}\x1b[0m` : text;
}

/** Writes each complete line of `chunkSource` chunks to `out` with a prefix. */
export function lineWriter(prefix, out = process.stdout) {
  let rest = '';
  return {
    write(chunk) {
      const text = rest + chunk.toString();
      const lines = text.split('\n');
      rest = lines.pop();
      for (const line of lines) out.write(`${prefix} ${line}\n`);
    },
    flush() {
      if (rest) out.write(`${prefix} ${rest}\n`);
      rest = '';
    },
  };
}

/** Runs a command to completion with its output shown line by line behind a prefix; resolves the exit code. */
export function runPrefixed(cmd, args, { env, cwd, prefix }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: env ?? process.env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = lineWriter(prefix, process.stdout);
    const err = lineWriter(prefix, process.stderr);
    child.stdout.on('data', (d) => out.write(d));
    child.stderr.on('data', (d) => err.write(d));
    child.once('error', (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    child.once('close', (code, signal) => {
      out.flush();
      err.flush();
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
