// `npm run bench`: every figure of the Performance section in one run — ingest
// throughput against a bare handler and express, the same with ids and a label stream,
// /metrics scrape time, RSS over 10M events —
// printed, and written to bench/RESULTS.md when every phase ran.
//
// Knobs (environment): BENCH_SECONDS (per ingest run, 3), BENCH_WARMUP_SECONDS (2),
// BENCH_REPS (5), BENCH_RSS_EVENTS (10000000), BENCH_RSS_MAX_SECONDS (180),
// BENCH_ONLY=ingest,labels,scrape,rss (a subset; RESULTS.md is then left alone), BENCH_KEEP=1
// (keep the temporary folder with configs, references and server logs), BENCH_CLI (another
// build of dist/cli/main.js).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureIngest } from './phases/ingest.js';
import { measureLabels } from './phases/labels.js';
import { measureRss } from './phases/rss.js';
import { measureScrape } from './phases/scrape.js';
import { stopAllChildren } from './lib/processes.js';
import { formatResultsFile, formatTables, misses } from './lib/report.js';
import { soakSectionOf } from './lib/soak-report.js';
import { MLWATCH_CLI, ROOT } from './lib/servers.js';
import { prepareIngestModel } from './lib/setup.js';
import { ensureWrk, wrkVersion } from './lib/wrk.js';

const PHASES = ['ingest', 'labels', 'scrape', 'rss'];

const knobs = {
  seconds: numberFromEnv('BENCH_SECONDS', 3),
  warmupSeconds: numberFromEnv('BENCH_WARMUP_SECONDS', 2),
  reps: numberFromEnv('BENCH_REPS', 5),
  connections: 64,
  rssEvents: numberFromEnv('BENCH_RSS_EVENTS', 10_000_000),
  rssMaxSeconds: numberFromEnv('BENCH_RSS_MAX_SECONDS', 180),
  scrapes: 50,
};
const only = (process.env.BENCH_ONLY ?? PHASES.join(',')).split(',').map((p) => p.trim());
for (const p of only) if (!PHASES.includes(p)) fail(`BENCH_ONLY: unknown phase "${p}"; phases are ${PHASES.join(', ')}`);

/** @param {string} line */
const log = (line) => process.stderr.write(`bench: ${line}\n`);

async function main() {
  if (!existsSync(MLWATCH_CLI)) fail(`${MLWATCH_CLI} is missing: run \`npm run build\` first (npm run bench does)`);
  ensureWrk();
  const started = Date.now();
  const loadAtStart = loadavg()[0];
  const workdir = mkdtempSync(join(tmpdir(), 'mlwatch-bench-'));
  // Also on Ctrl-C, which exits without reaching the finally below.
  if (process.env.BENCH_KEEP !== '1') process.once('exit', () => rmSync(workdir, { recursive: true, force: true }));
  /** @type {import('./lib/report.js').Results} */
  const results = { ingest: null, labels: null, scrape: null, rss: null };
  try {
    const { spec, configPath, slicedConfigPath } = await prepareIngestModel(workdir);

    if (only.includes('ingest')) {
      log('phase ingest: bare node:http vs mlwatch vs express');
      results.ingest = await measureIngest({ workdir, configPath, slicedConfigPath, spec, ...knobs, log });
    }
    if (only.includes('labels')) {
      log('phase labels: mlwatch without ids vs with ids and 1 label per prediction, against bare');
      results.labels = await measureLabels({ workdir, configPath, spec, ...knobs, log });
    }
    if (only.includes('scrape')) {
      log('phase scrape: GET /metrics with 5 models × 50 features');
      results.scrape = await measureScrape({ workdir, scrapes: knobs.scrapes, log });
    }
    if (only.includes('rss')) {
      log(`phase rss: ${knobs.rssEvents / 1e6}M events in NDJSON batches of 1000 (cap ${knobs.rssMaxSeconds} s)`);
      results.rss = await measureRss({ workdir, configPath, spec, targetEvents: knobs.rssEvents, capSeconds: knobs.rssMaxSeconds, log });
    }
  } finally {
    await stopAllChildren();
    if (process.env.BENCH_KEEP === '1') log(`kept ${workdir}`);
    else rmSync(workdir, { recursive: true, force: true });
  }

  const info = runInfo(knobs, loadAtStart);
  process.stdout.write(`\nmlwatch benchmark — ${info.date}\n${info.machine}; ${info.node}; ${info.wrk}\n\n${formatTables(results, info)}\n`);
  const missed = misses(results);
  process.stdout.write(missed.length === 0 ? 'All targets met.\n' : `Targets missed: ${missed.join('; ')}.\nProfile the sidecar with: node bench/profile.js\n`);
  if (only.length === PHASES.length) {
    const resultsPath = join(ROOT, 'bench', 'RESULTS.md');
    // npm run soak's section stays: the two runs are made at different times.
    const soak = existsSync(resultsPath) ? soakSectionOf(readFileSync(resultsPath, 'utf8')) : '';
    writeFileSync(resultsPath, formatResultsFile(results, info) + (soak === '' ? '' : `\n${soak}`));
    process.stdout.write('Written to bench/RESULTS.md\n');
  } else {
    process.stdout.write('BENCH_ONLY set: bench/RESULTS.md left unchanged\n');
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * @param {typeof knobs} k
 * @param {number} loadAtStart  1-minute load average when the run began
 * @returns {import('./lib/report.js').RunInfo}
 */
function runInfo(k, loadAtStart) {
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim();
  const set = Object.keys(process.env)
    .filter((key) => key.startsWith('BENCH_'))
    .map((key) => `${key}=${process.env[key]}`);
  const base = process.env.npm_lifecycle_event === 'bench' ? 'npm run bench' : 'node bench/run.js';
  return {
    date: new Date().toISOString(),
    command: [...set, base].join(' '),
    machine: `nproc ${nproc}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`,
    node: `node ${process.version}`,
    wrk: wrkVersion(),
    commit: commit || 'unknown',
    // Other work on the machine skews absolute figures (ratios less so): say how busy it was.
    load: `1-minute load average ${loadAtStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end (nproc ${nproc})`,
    ingest: { seconds: k.seconds, warmupSeconds: k.warmupSeconds, reps: k.reps, connections: k.connections },
  };
}

/**
 * @param {string} name
 * @param {number} fallback
 */
function numberFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) fail(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** @param {string} message @returns {never} */
function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await stopAllChildren();
  process.exit(1);
});
