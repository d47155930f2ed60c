// The load generator: wrk (C, one thread, its own process) with bench/wrk/post.lua, which
// cycles through pre-formatted POST bodies. While it runs, the CPU used by wrk and by the
// server is sampled, so a run can show the server was the one saturated, not wrk.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, startChild, stopChild } from './processes.js';

const SCRIPT = fileURLToPath(new URL('../wrk/post.lua', import.meta.url));

/** Install wrk with apt-get when it is absent (a fresh machine has none). */
export function ensureWrk() {
  if (hasWrk()) return;
  process.stderr.write('bench: wrk not found, installing it with apt-get\n');
  const install = () => spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    install();
  }
  if (!hasWrk()) {
    throw new Error('wrk is required and could not be installed; on Debian/Ubuntu run: apt-get install -y wrk');
  }
}

function hasWrk() {
  return spawnSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' }).status === 0;
}

export function wrkVersion() {
  const out = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return (out.stdout + out.stderr).split('\n')[0].replace(/\s*Copyright.*$/, '').trim();
}

/**
 * @typedef {object} WrkResult
 * @property {number} requests     completed requests
 * @property {number} seconds      wall time wrk measured
 * @property {number} requestsPerSecond
 * @property {{ connect: number, read: number, write: number, status: number, timeout: number }} errors
 * @property {{ p50: number, p90: number, p99: number, max: number }} latencyMs
 * @property {number | null} wrkCpu     share of one core wrk used while sampled (0..1)
 * @property {number | null} serverCpu  share of one core the server used over the same span
 * @property {Record<string, number> | null} extra  the script's own `WRK_EXTRA_NAME {json}` line (labels.lua: WRK_LABELS), if any
 */

/**
 * @typedef {object} WrkRun
 * @property {number} pid
 * @property {() => void} stop  ask wrk to stop now (it still reports what it did)
 * @property {Promise<WrkResult>} result
 */

/**
 * @param {object} options
 * @param {string} options.url             full URL to POST to
 * @param {string} options.bodiesFile      NUL-separated bodies
 * @param {string} options.contentType
 * @param {number} options.seconds
 * @param {number} options.connections
 * @param {number} options.serverPid       whose CPU to sample alongside wrk's
 * @param {string} options.logPath
 * @param {number} [options.stopAfter]     stop after this many responses (0: run for `seconds`)
 * @param {{ path: string, args: string[], extraLine: string }} [options.script]  another script and its arguments
 *   (instead of post.lua with bodiesFile, contentType, stopAfter), and the prefix of its extra result line
 * @returns {WrkRun}
 */
export function startWrk(options) {
  const args = [
    '-t1',
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--timeout',
    '30s',
    '-s',
    options.script?.path ?? SCRIPT,
    options.url,
    '--',
    ...(options.script?.args ?? [options.bodiesFile, options.contentType, String(options.stopAfter ?? 0)]),
  ];
  const child = startChild('wrk', 'wrk', args, { logPath: options.logPath, stdout: 'pipe' });
  let stdout = '';
  child.process.stdout?.setEncoding('utf8');
  child.process.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });

  // CPU of wrk and of the server, from the first to the last sample taken while wrk lived.
  /** @type {{ wrk: number, server: number, at: number } | null} */
  let first = null;
  /** @type {{ wrk: number, server: number, at: number } | null} */
  let last = null;
  const sample = () => {
    const wrk = cpuSeconds(child.pid);
    const server = cpuSeconds(options.serverPid);
    if (wrk === null || server === null || !child.running) return;
    const point = { wrk, server, at: performance.now() };
    if (first === null) first = point;
    else last = point;
  };
  const sampler = setInterval(sample, 200);

  const result = child.exited.then(({ code, signal }) => {
    clearInterval(sampler);
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_RESULT '));
    if (!line) {
      throw new Error(`wrk ended (code ${code}, signal ${signal}) without a result; output:\n${stdout}`);
    }
    const raw = JSON.parse(line.slice('WRK_RESULT '.length));
    const extraPrefix = options.script ? `${options.script.extraLine} ` : null;
    const extraLine = extraPrefix === null ? undefined : stdout.split('\n').find((l) => l.startsWith(extraPrefix));
    if (extraPrefix !== null && !extraLine) throw new Error(`wrk printed no ${extraPrefix.trim()} line; output:\n${stdout}`);
    const seconds = raw.duration_us / 1e6;
    const span = first && last ? (last.at - first.at) / 1000 : 0;
    return {
      requests: raw.requests,
      seconds,
      requestsPerSecond: raw.requests / seconds,
      errors: raw.errors,
      latencyMs: {
        p50: raw.latency_us.p50 / 1000,
        p90: raw.latency_us.p90 / 1000,
        p99: raw.latency_us.p99 / 1000,
        max: raw.latency_us.max / 1000,
      },
      wrkCpu: first && last && span > 0.5 ? (last.wrk - first.wrk) / span : null,
      serverCpu: first && last && span > 0.5 ? (last.server - first.server) / span : null,
      extra: extraLine === undefined || extraPrefix === null ? null : JSON.parse(extraLine.slice(extraPrefix.length)),
    };
  });
  return {
    pid: child.pid,
    // wrk reports what it did on SIGINT.
    stop: () => {
      if (child.running) child.process.kill('SIGINT');
    },
    result: result.finally(() => stopChild(child, 2_000)),
  };
}

/**
 * Run wrk to completion.
 * @param {Parameters<typeof startWrk>[0]} options
 */
export function runWrk(options) {
  return startWrk(options).result;
}

/**
 * Total errors of a run (socket errors and non-2xx answers).
 * @param {WrkResult} result
 */
export function errorCount(result) {
  const e = result.errors;
  return e.connect + e.read + e.write + e.status + e.timeout;
}
