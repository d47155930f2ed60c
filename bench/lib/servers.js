// Starting the servers under test, each in its own process, all the same way: `node SCRIPT`
// with no extra flags (unless asked, e.g. --cpu-prof), output to a log file, on 127.0.0.1.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, waitForPort, waitUntil } from './processes.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// BENCH_CLI: benchmark another build of the CLI (e.g. to compare two versions).
export const MLWATCH_CLI = process.env.BENCH_CLI ? resolve(process.env.BENCH_CLI) : join(ROOT, 'dist', 'cli', 'main.js');
const BENCH = join(ROOT, 'bench');

/**
 * @typedef {object} Server
 * @property {string} name
 * @property {import('./processes.js').Child} child
 * @property {string} base          http://127.0.0.1:PORT of the ingest listener
 * @property {string | null} metrics http://127.0.0.1:PORT of the metrics listener (mlwatch only)
 */

/**
 * @param {'bare' | 'express'} kind
 * @param {string} workdir
 * @returns {Promise<Server>}
 */
export async function startBaseline(kind, workdir) {
  const port = await freePort();
  const script = join(BENCH, kind === 'bare' ? 'bare-server.js' : 'express-server.js');
  const child = startChild(kind, process.execPath, [script, `127.0.0.1:${port}`], {
    logPath: join(workdir, `${kind}.log`),
    cwd: ROOT,
  });
  await waitForPort(child, port);
  return { name: kind, child, base: `http://127.0.0.1:${port}`, metrics: null };
}

/**
 * `node dist/cli/main.js serve --config FILE` on two free loopback ports; ready once
 * /readyz answers 200.
 * @param {string} configPath
 * @param {string} workdir
 * @param {{ name?: string, nodeArgs?: string[] }} [options]
 * @returns {Promise<Server>}
 */
export async function startMlwatch(configPath, workdir, options = {}) {
  const name = options.name ?? 'mlwatch';
  const ingestPort = await freePort();
  const metricsPort = await freePort();
  const args = [
    ...(options.nodeArgs ?? []),
    MLWATCH_CLI,
    'serve',
    '--config',
    configPath,
    '--ingest-listen',
    `127.0.0.1:${ingestPort}`,
    '--metrics-listen',
    `127.0.0.1:${metricsPort}`,
  ];
  const child = startChild(name, process.execPath, args, { logPath: join(workdir, `${name}.log`), cwd: ROOT });
  const metrics = `http://127.0.0.1:${metricsPort}`;
  await waitForPort(child, ingestPort);
  await waitUntil(child, 20_000, `${name} /readyz`, async () => {
    try {
      return (await fetch(`${metrics}/readyz`)).status === 200;
    } catch {
      return false;
    }
  });
  return { name, child, base: `http://127.0.0.1:${ingestPort}`, metrics };
}

/**
 * `mlwatch reference build` for one model, through the real CLI.
 * @param {string} configPath
 * @param {string} model
 * @param {string} csvPath
 * @param {string} outPath
 * @returns {Promise<void>}
 */
export function buildReference(configPath, model, csvPath, outPath) {
  const args = [MLWATCH_CLI, 'reference', 'build', '--config', configPath, '--model', model, '--data', csvPath, '--out', outPath];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (chunk) => (output += chunk));
    proc.stderr.on('data', (chunk) => (output += chunk));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`mlwatch reference build for ${model} exited ${code}:\n${output}`));
    });
  });
}

/**
 * POST one body and return the parsed answer (a correctness check before measuring).
 * @param {string} url
 * @param {string} body
 * @param {string} contentType
 * @returns {Promise<{ status: number, answer: unknown }>}
 */
export async function postOnce(url, body, contentType) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await response.text();
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = text;
  }
  return { status: response.status, answer };
}

/**
 * @param {string} metricsBase
 * @returns {Promise<string>}
 */
export async function scrape(metricsBase) {
  const response = await fetch(`${metricsBase}/metrics`);
  if (response.status !== 200) throw new Error(`GET ${metricsBase}/metrics answered ${response.status}`);
  return response.text();
}

/**
 * Sum of every sample of a metric in Prometheus text format (optionally only those whose
 * labels contain `labelText`, e.g. 'model="m0"').
 * @param {string} text
 * @param {string} name
 * @param {string} [labelText]
 */
export function sumSamples(text, name, labelText) {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const next = line[name.length];
    if (next !== '{' && next !== ' ') continue;
    if (labelText && !line.includes(labelText)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** @param {string} metricsBase */
export async function predictionsTotal(metricsBase) {
  return sumSamples(await scrape(metricsBase), 'mlwatch_predictions_total');
}
