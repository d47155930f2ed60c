// `node bench/record.js [DIST...]`: the hot path alone — ns per ModelMonitor.record() of the
// bench's model (15 numeric, 5 categorical features), unsliced and sliced (two segment
// features, two variants: three cells per event), in one process, no HTTP and no parse. The
// cases alternate round by round so machine noise hits them alike; the figure to read is
// the sliced model's extra cost per event, and with several builds (DIST: a dist folder,
// default this checkout's) each one's cost as a ratio to the first's, measured in the same run.
//
// Knobs (environment): RECORD_EVENTS (events per round, 200000), RECORD_ROUNDS (9),
// RECORD_ONLY=sliced|unsliced (one configuration: a profile of it alone, with node --cpu-prof).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom } from './lib/random.js';
import { ROOT } from './lib/servers.js';
import { prepareIngestModel } from './lib/setup.js';
import { median } from './lib/stats.js';
import { makeEvent } from './lib/workload.js';

const ONLY = process.env.RECORD_ONLY;
if (ONLY !== undefined && ONLY !== 'sliced' && ONLY !== 'unsliced') throw new Error(`RECORD_ONLY: "${ONLY}" is neither sliced nor unsliced`);
const EVENTS = Number(process.env.RECORD_EVENTS ?? 200_000);
const ROUNDS = Number(process.env.RECORD_ROUNDS ?? 9);
/** Distinct events cycled through (parsed once, as the handler would hand them over). */
const DISTINCT = 10_000;

const dists = (process.argv.length > 2 ? process.argv.slice(2) : [join(ROOT, 'dist')]).map((d) => resolve(d));
const workdir = mkdtempSync(join(tmpdir(), 'mlwatch-record-'));
process.once('exit', () => rmSync(workdir, { recursive: true, force: true }));

/**
 * A model monitor of `configPath`, built by the dist at `dist` (its own modules, loaded beside the others').
 * @param {string} dist
 * @param {string} configPath
 * @returns {Promise<{ record(e: unknown): string | null }>}
 */
async function monitorOf(dist, configPath) {
  const load = (/** @type {string} */ file) => import(pathToFileURL(join(dist, file)).href);
  const [{ loadConfig }, { loadReferences }, { Fleet }] = await Promise.all([load('config/loader.js'), load('serve/sidecar.js'), load('monitor/fleet.js')]);
  const config = await loadConfig(configPath);
  const fleet = new Fleet(config, await loadReferences(config), Date.now);
  return fleet.models[0].monitor;
}

/** @param {{ record(e: unknown): string | null }} monitor @param {unknown[]} events */
function nsPerRecord(monitor, events) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) {
    if (monitor.record(events[i % DISTINCT]) !== null) throw new Error('bench event rejected');
  }
  return Number(process.hrtime.bigint() - start) / EVENTS;
}

const { spec, configPath, slicedConfigPath } = await prepareIngestModel(workdir);
const rng = seededRandom(4711);
const events = Array.from({ length: DISTINCT }, () => JSON.parse(JSON.stringify(makeEvent(spec, rng, null))));
/** @type {{ dist: string, sliced: boolean, monitor: { record(e: unknown): string | null }, ns: number[] }[]} */
const cases = [];
for (const dist of dists) {
  for (const sliced of [false, true]) {
    if (ONLY === undefined || ONLY === (sliced ? 'sliced' : 'unsliced')) {
      cases.push({ dist, sliced, monitor: await monitorOf(dist, sliced ? slicedConfigPath : configPath), ns: [] });
    }
  }
}
for (const c of cases) nsPerRecord(c.monitor, events); // warm-up: every case compiled before the first round
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order each round: no case always runs first (or right after the same one).
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(k + round) % cases.length];
    c.ns.push(nsPerRecord(c.monitor, events));
  }
}

if (ONLY !== undefined) {
  for (const c of cases) process.stdout.write(`${c.dist} ${ONLY}: ${median(c.ns).toFixed(0)} ns/event (median of ${ROUNDS} rounds of ${EVENTS})\n`);
  process.exit(0);
}
const base = cases.slice(0, 2).map((c) => median(c.ns));
const rows = [];
for (let d = 0; d < dists.length; d++) {
  const [unsliced, sliced] = [cases[2 * d], cases[2 * d + 1]].map((c) => median(c.ns));
  // The sliced extra per round (paired within the round), then its median: steadier than a difference of medians.
  const extra = median(cases[2 * d + 1].ns.map((ns, i) => ns - cases[2 * d].ns[i]));
  rows.push(
    `| ${dists[d]} | ${unsliced.toFixed(0)} | ${sliced.toFixed(0)} | ${extra.toFixed(0)} | ${(unsliced / sliced).toFixed(3)} | ` +
      `${(base[0] / unsliced).toFixed(3)}× | ${(base[1] / sliced).toFixed(3)}× |`,
  );
}
process.stdout.write(
  [
    `record(): ${EVENTS} events per round, ${ROUNDS} rounds, medians (node ${process.version})`,
    '',
    '| dist | unsliced ns/event | sliced ns/event | sliced extra (paired) | unsliced/sliced | unsliced speed × first | sliced speed × first |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n'),
);
