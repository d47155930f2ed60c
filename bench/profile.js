// `node bench/profile.js`: where the sidecar spends its CPU under the benchmark's loads. For
// each load — single events, NDJSON batches of 100 (wrk as in `npm run bench`), and 50
// scrapes of 5 models × 50 features — a fresh sidecar runs under `node --cpu-prof`; on
// SIGTERM V8 writes the profile, and the top self-time functions and areas are printed and
// written to bench/PROFILE.md. Run `npm run build` first.
// Knobs: BENCH_PROFILE_SECONDS (per ingest load, 10), BENCH_PROFILE_ONLY=TEXT (only the loads whose
// title holds TEXT; bench/PROFILE.md is then left alone), BENCH_CLI, BENCH_KEEP=1.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillSidecar, prepareScrapeModels } from './phases/scrape.js';
import { summariseProfile } from './lib/cpu-profile.js';
import { stopAllChildren, stopChild } from './lib/processes.js';
import { MLWATCH_CLI, ROOT, scrape, startMlwatch } from './lib/servers.js';
import { prepareIngestModel } from './lib/setup.js';
import { median } from './lib/stats.js';
import { LABELS_SCRIPT, LABELS_PER_BODY, LAG_EVENTS } from './phases/labels.js';
import { ensureWrk, runWrk } from './lib/wrk.js';
import { writeBodies } from './lib/workload.js';

const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 10);
const SCRAPES = 50;
const TOP = 25;

async function main() {
  if (!existsSync(MLWATCH_CLI)) throw new Error(`${MLWATCH_CLI} is missing: run \`npm run build\` first`);
  ensureWrk();
  const workdir = mkdtempSync(join(tmpdir(), 'mlwatch-profile-'));
  // Also on Ctrl-C, which exits without reaching the finally below.
  if (process.env.BENCH_KEEP !== '1') process.once('exit', () => rmSync(workdir, { recursive: true, force: true }));
  const sections = [
    '# Where mlwatch spends its CPU',
    '',
    `${new Date().toISOString()}, node ${process.version}, \`node bench/profile.js\` (ingest: ${SECONDS} s per load, ` +
      `wrk 1 thread × 64 connections; scrape: ${SCRAPES} sequential GET /metrics). Self time: time in the function itself, ` +
      'not its callees; shares are of busy (non-idle) time, start-up included. Lines are in the compiled JavaScript.',
    '',
  ];
  try {
    const { spec, configPath, slicedConfigPath } = await prepareIngestModel(workdir);
    const url = (/** @type {string} */ base) => `${base}/v1/models/${spec.name}/predictions`;
    const batch100 = writeBodies(join(workdir, 'batch100.bodies'), spec, { count: 32, eventsPerBody: 100, seed: 202 });
    const loads = [
      { label: 'single events', body: writeBodies(join(workdir, 'single.bodies'), spec, { count: 256, eventsPerBody: 1, seed: 101 }) },
      { label: 'NDJSON batches of 100', body: batch100 },
      // The label phase's two sides: its load without ids, and with a fresh id per event and 1 label per prediction in the same connections.
      { label: 'NDJSON batches of 100 without ids', body: writeBodies(join(workdir, 'batch100-no-ids.bodies'), spec, { count: 32, eventsPerBody: 100, seed: 202, ids: 'none' }) },
      { label: 'NDJSON batches of 100 with ids + labels', labels: true, body: writeBodies(join(workdir, 'batch100-marked.bodies'), spec, { count: 32, eventsPerBody: 100, seed: 202, ids: 'marker' }) },
      // The ingest bench's sliced model (two segment features, two variants) on the same bodies: where its extra cost goes.
      { label: 'sliced model, NDJSON batches of 100', config: slicedConfigPath, body: batch100 },
    ];
    const only = process.env.BENCH_PROFILE_ONLY;
    const wanted = (/** @type {string} */ title) => !only || title.includes(only);
    for (const load of loads.filter((l) => wanted(l.label))) {
      sections.push(
        await profileSidecar(load.label, load.config ?? configPath, workdir, async (server) => {
          const run = await runWrk({
            url: url(server.base),
            bodiesFile: load.body.path,
            contentType: load.body.contentType,
            seconds: SECONDS,
            connections: 64,
            serverPid: server.child.pid,
            logPath: join(workdir, 'wrk.log'),
            ...(load.labels
              ? {
                  script: {
                    path: LABELS_SCRIPT,
                    extraLine: 'WRK_LABELS',
                    args: [load.body.path, load.body.contentType, String(load.body.eventsPerBody), String(LABELS_PER_BODY),
                      `/v1/models/${spec.name}/labels`, 'profile-', '0', '0', String(LAG_EVENTS)],
                  },
                }
              : {}),
          });
          if (!load.labels || !run.extra) return `${Math.round(run.requestsPerSecond)} req/s under the profiler`;
          // The same connections post both: split the completed requests as the script issued them.
          const { prediction_requests: predictions, label_requests: labels } = run.extra;
          const share = predictions / (predictions + labels);
          return `${Math.round(run.requestsPerSecond * share)} prediction + ${Math.round(run.requestsPerSecond * (1 - share))} label req/s under the profiler`;
        }),
      );
    }
    const scrapeTitle = 'GET /metrics, 5 models × 50 features';
    const scrapeModels = wanted(scrapeTitle) ? await prepareScrapeModels(join(workdir, 'scrape')) : null;
    if (scrapeModels) sections.push(
      await profileSidecar(scrapeTitle, scrapeModels.configPath, workdir, async (server) => {
        await fillSidecar(server, scrapeModels.specs);
        const times = [];
        for (let i = 0; i < SCRAPES; i++) {
          const start = performance.now();
          await scrape(/** @type {string} */ (server.metrics));
          times.push(performance.now() - start);
        }
        return `median scrape ${median(times).toFixed(1)} ms under the profiler (traffic and drift computation included in the profile)`;
      }),
    );
  } finally {
    await stopAllChildren();
    if (process.env.BENCH_KEEP === '1') process.stderr.write(`profile: kept ${workdir}\n`);
    else rmSync(workdir, { recursive: true, force: true });
  }
  const text = `${sections.join('\n')}\n`;
  process.stdout.write(text);
  if (process.env.BENCH_PROFILE_ONLY) return;
  writeFileSync(join(ROOT, 'bench', 'PROFILE.md'), text);
  process.stderr.write('profile: written to bench/PROFILE.md\n');
}

let profiles = 0;

/**
 * A fresh sidecar under --cpu-prof, driven by `drive`, stopped with SIGTERM (V8 writes the
 * profile as the process exits), then summarised.
 * @param {string} label
 * @param {string} configPath
 * @param {string} workdir
 * @param {(server: import('./lib/servers.js').Server) => Promise<string>} drive  returns a headline
 */
async function profileSidecar(label, configPath, workdir, drive) {
  const profileDir = join(workdir, `profile-${++profiles}`);
  mkdirSync(profileDir);
  const server = await startMlwatch(configPath, workdir, {
    name: `mlwatch-profile-${profiles}`,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  process.stderr.write(`profile: ${label}\n`);
  const headline = await drive(server);
  const exit = await stopChild(server.child, 20_000);
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written (sidecar exit ${JSON.stringify(exit)}); it must exit on SIGTERM for V8 to write it`);
  const summary = summariseProfile(join(profileDir, file), ROOT);
  return [
    `## ${label}: ${headline}; busy ${(summary.busyMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s`,
    '',
    '| area | self time | share |',
    '|---|---:|---:|',
    ...summary.areas.slice(0, 12).map((a) => `| ${a.area} | ${a.ms.toFixed(0)} ms | ${(a.share * 100).toFixed(1)}% |`),
    '',
    `| top ${TOP} functions by self time | where | area | self time | share |`,
    '|---|---|---|---:|---:|',
    ...summary.functions
      .slice(0, TOP)
      .map((f) => `| ${f.name} | ${f.where} | ${f.area} | ${f.ms.toFixed(0)} ms | ${(f.share * 100).toFixed(1)}% |`),
    '',
  ].join('\n');
}

main().catch(async (error) => {
  process.stderr.write(`profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await stopAllChildren();
  process.exit(1);
});
