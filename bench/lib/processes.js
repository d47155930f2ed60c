// Child processes of the benchmark (servers and load generators): started with their output
// in a log file, tracked so that every one is killed when the harness ends — normally, on
// an error, or on Ctrl-C — and read through /proc for CPU time and RSS.
import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';

/**
 * @typedef {object} Child
 * @property {string} name
 * @property {number} pid
 * @property {string} logPath
 * @property {import('node:child_process').ChildProcess} process
 * @property {Promise<{ code: number | null, signal: string | null }>} exited
 * @property {boolean} running
 */

/** @type {Set<Child>} */
const live = new Set();

/**
 * Start a process with stdout and stderr appended to logPath (every server gets the same
 * treatment, so none pays for a pipe the others don't).
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {{ logPath: string, cwd?: string, stdout?: 'log' | 'pipe' }} options
 * @returns {Child}
 */
export function startChild(name, command, args, options) {
  const fd = openSync(options.logPath, 'a');
  const stdout = options.stdout === 'pipe' ? 'pipe' : fd;
  const proc = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', stdout, fd] });
  closeSync(fd);
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  /** @type {Child} */
  const child = {
    name,
    pid: proc.pid,
    logPath: options.logPath,
    process: proc,
    running: true,
    exited: new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        child.running = false;
        live.delete(child);
        resolve({ code, signal });
      });
    }),
  };
  live.add(child);
  return child;
}

/**
 * SIGTERM, then SIGKILL if it has not exited after graceMs.
 * @param {Child} child
 * @param {number} [graceMs]
 */
export async function stopChild(child, graceMs = 10_000) {
  if (!child.running) return child.exited;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.running && child.process.kill('SIGKILL'), graceMs);
  const result = await child.exited;
  clearTimeout(timer);
  return result;
}

/** Stop every child still running. */
export async function stopAllChildren() {
  await Promise.all([...live].map((child) => stopChild(child, 5_000)));
}

/** Last resort, synchronous: the harness is exiting. */
function killAllNow() {
  for (const child of live) {
    try {
      child.process.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.on('exit', killAllNow);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping servers\n`);
    stopAllChildren().finally(() => process.exit(130));
  });
}

/**
 * A TCP port that is free on 127.0.0.1 right now.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Wait until something accepts connections on 127.0.0.1:port, failing early (with the tail
 * of its log) if the child exits first.
 * @param {Child} child
 * @param {number} port
 * @param {number} [timeoutMs]
 */
export async function waitForPort(child, port, timeoutMs = 20_000) {
  await waitUntil(child, timeoutMs, `${child.name} listening on 127.0.0.1:${port}`, () => canConnect(port));
}

/**
 * @param {Child} child
 * @param {number} timeoutMs
 * @param {string} what
 * @param {() => Promise<boolean>} probe
 */
export async function waitUntil(child, timeoutMs, what, probe) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.name} exited before ${what}:\n${logTail(child)}`);
    if (await probe()) return;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${logTail(child)}`);
}

/** @param {number} port */
function canConnect(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The last lines of a child's log, for error messages.
 * @param {Child} child
 * @param {number} [lines]
 */
export function logTail(child, lines = 20) {
  try {
    return readFileSync(child.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const CLOCK_TICKS = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(result.stdout);
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

/**
 * CPU time (user + system, all threads) a process has used, in seconds; null once it is gone.
 * @param {number} pid
 * @returns {number | null}
 */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3, the state.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * Resident set size of a process in bytes (VmRSS); null once it is gone.
 * @param {number} pid
 * @returns {number | null}
 */
export function rssBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
