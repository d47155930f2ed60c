// `npm run soak`: 10 minutes at 80% of the maximum ingest rate measured in the same run,
// with a scrape every second; RSS flat, event-loop delay, failed scrapes. Exits 1 when a
// target is missed. A full-length run (SOAK_SECONDS ≥ 600) writes its section of
// bench/RESULTS.md; shorter runs (the test suite's 30 s version) only print.
//
// Knobs (environment): SOAK_SECONDS (600), SOAK_WARMUP_SECONDS (60, or a fifth of a shorter
// run), SOAK_BURST_SECONDS (5), SOAK_SHARE (0.8), SOAK_RECORD (1 to write RESULTS.md
// whatever the length, 0 never), BENCH_KEEP=1 (keep the temporary folder).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureSoak } from './phases/soak.js';
import { stopAllChildren } from './lib/processes.js';
import { formatSoakSection, writeSoakSection } from './lib/soak-report.js';
import { MLWATCH_CLI, ROOT } from './lib/servers.js';
import { prepareIngestModel } from './lib/setup.js';
import { ensureWrk } from './lib/wrk.js';

const seconds = numberFromEnv('SOAK_SECONDS', 600);
const knobs = {
  seconds,
  warmupSeconds: numberFromEnv('SOAK_WARMUP_SECONDS', Math.min(60, seconds / 5)),
  burstSeconds: numberFromEnv('SOAK_BURST_SECONDS', 5),
  share: numberFromEnv('SOAK_SHARE', 0.8),
};
const record = process.env.SOAK_RECORD === '1' || (process.env.SOAK_RECORD !== '0' && seconds >= 600);
/** @param {string} line */
const log = (line) => process.stderr.write(`${line}\n`);

async function main() {
  if (!existsSync(MLWATCH_CLI)) throw new Error(`${MLWATCH_CLI} is missing: run \`npm run build\` first (npm run soak does)`);
  ensureWrk();
  const loadAtStart = loadavg()[0];
  const workdir = mkdtempSync(join(tmpdir(), 'mlwatch-soak-'));
  if (process.env.BENCH_KEEP !== '1') process.once('exit', () => rmSync(workdir, { recursive: true, force: true }));
  let result;
  try {
    const { spec, configPath } = await prepareIngestModel(workdir);
    result = await measureSoak({ workdir, configPath, spec, ...knobs, log });
  } finally {
    await stopAllChildren();
  }
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  const info = {
    date: new Date().toISOString(),
    machine: `nproc ${nproc}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`,
    node: `node ${process.version}`,
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || 'unknown',
    load: `1-minute load average ${loadAtStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end (nproc ${nproc})`,
    command: [...Object.keys(process.env).filter((k) => k.startsWith('SOAK_')).map((k) => `${k}=${process.env[k]}`), 'npm run soak'].join(' '),
  };
  const section = formatSoakSection(result, info);
  process.stdout.write(`\n${section}`);
  const { samples: _samples, ...figures } = result;
  process.stdout.write(`SOAK_RESULT ${JSON.stringify(figures)}\n`);
  if (record) {
    writeSoakSection(join(ROOT, 'bench', 'RESULTS.md'), section);
    process.stdout.write('Written to bench/RESULTS.md (soak section)\n');
  }
  return result.passed ? 0 : 1;
}

/**
 * @param {string} name
 * @param {number} fallback
 */
function numberFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`soak: ${name} must be a positive number, got "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAllChildren();
    process.exit(1);
  },
);
