// (d): how long GET /metrics takes for 5 models × 50 features once traffic has filled
// every family and drift has been computed (so the drift gauges are in the answer too).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../lib/random.js';
import { sleep, stopChild, waitUntil } from '../lib/processes.js';
import { buildReference, postOnce, scrape, startMlwatch, sumSamples } from '../lib/servers.js';
import { quantile } from '../lib/stats.js';
import { makeEvent, modelSpec, writeConfig, writeTrainingCsv } from '../lib/workload.js';

const MODELS = 5;
const NUMERIC = 35;
const CATEGORICAL = 15;
const BATCHES_PER_MODEL = 20;
const EVENTS_PER_BATCH = 100;

/**
 * @typedef {object} ScrapeResult
 * @property {number} models
 * @property {number} featuresPerModel
 * @property {number} eventsPerModel
 * @property {number} scrapes
 * @property {number} medianMs
 * @property {number} p95Ms
 * @property {number} maxMs
 * @property {number} bytes     size of one answer
 * @property {number} series    sample lines in one answer
 * @property {boolean} driftExported
 * @property {number} collectorSeconds  sum of mlwatch_scrape_collector_duration_seconds (as mlwatch timed itself)
 */

/**
 * @param {object} ctx
 * @param {string} ctx.workdir
 * @param {number} ctx.scrapes
 * @param {(line: string) => void} ctx.log
 * @returns {Promise<ScrapeResult>}
 */
export async function measureScrape(ctx) {
  const dir = join(ctx.workdir, 'scrape');
  ctx.log(`building ${MODELS} references of ${NUMERIC + CATEGORICAL} features`);
  const { specs, configPath } = await prepareScrapeModels(dir);
  const server = await startMlwatch(configPath, dir, { name: 'mlwatch-scrape' });
  const metrics = /** @type {string} */ (server.metrics);
  try {
    ctx.log('sending traffic, then waiting for drift to be computed for every model');
    const driftExported = await fillSidecar(server, specs);
    if (!driftExported) ctx.log('drift gauges did not appear within 20 s; timing the scrape without them');

    for (let i = 0; i < 5; i++) await scrape(metrics); // warm-up
    const times = [];
    let text = '';
    for (let i = 0; i < ctx.scrapes; i++) {
      const start = performance.now();
      text = await scrape(metrics);
      times.push(performance.now() - start);
      await sleep(20);
    }
    return {
      models: MODELS,
      featuresPerModel: NUMERIC + CATEGORICAL,
      eventsPerModel: BATCHES_PER_MODEL * EVENTS_PER_BATCH,
      scrapes: times.length,
      medianMs: quantile(times, 0.5),
      p95Ms: quantile(times, 0.95),
      maxMs: Math.max(...times),
      bytes: Buffer.byteLength(text),
      series: text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length,
      driftExported,
      collectorSeconds: sumSamples(text, 'mlwatch_scrape_collector_duration_seconds'),
    };
  } finally {
    await stopChild(server.child);
  }
}

/**
 * The 5 models' config and references (built by the real CLI, two at a time) in `dir`.
 * @param {string} dir
 */
export async function prepareScrapeModels(dir) {
  mkdirSync(dir, { recursive: true });
  const specs = Array.from({ length: MODELS }, (_, i) => modelSpec(`scrape${i}`, NUMERIC, CATEGORICAL, 1000 + i));
  const configPath = join(dir, 'mlwatch.yaml');
  writeConfig(configPath, specs);
  for (let i = 0; i < specs.length; i += 2) {
    await Promise.all(
      specs.slice(i, i + 2).map((spec, k) => {
        const csv = join(dir, `train-${spec.name}.csv`);
        writeTrainingCsv(csv, spec, 2000, 2000 + i + k);
        return buildReference(configPath, spec.name, csv, join(dir, `ref-${spec.name}.json`));
      }),
    );
  }
  return { specs, configPath };
}

/**
 * Traffic to every model, then wait (up to 20 s) until each one exports drift gauges.
 * @param {import('../lib/servers.js').Server} server
 * @param {import('../lib/workload.js').ModelSpec[]} specs
 * @returns {Promise<boolean>}  whether drift appeared for every model
 */
export async function fillSidecar(server, specs) {
  const metrics = /** @type {string} */ (server.metrics);
  await sendTraffic(server.base, specs);
  try {
    await waitUntil(server.child, 20_000, 'drift gauges for every model', async () => {
      const lines = (await scrape(metrics)).split('\n').filter((l) => l.startsWith('mlwatch_feature_drift{'));
      return specs.every((s) => lines.some((l) => l.includes(`model="${s.name}"`)));
    });
    return true;
  } catch (error) {
    if (!server.child.running) throw error;
    return false;
  }
}

/**
 * NDJSON batches to every model, from the harness (nothing is timed here).
 * @param {string} base
 * @param {import('../lib/workload.js').ModelSpec[]} specs
 */
async function sendTraffic(base, specs) {
  const rng = seededRandom(77);
  let id = 0;
  for (const spec of specs) {
    for (let b = 0; b < BATCHES_PER_MODEL; b++) {
      const lines = [];
      for (let e = 0; e < EVENTS_PER_BATCH; e++) lines.push(JSON.stringify(makeEvent(spec, rng, `evt-${id++}`)));
      const { status, answer } = await postOnce(`${base}/v1/models/${spec.name}/predictions`, `${lines.join('\n')}\n`, 'application/x-ndjson');
      if (status !== 200) throw new Error(`traffic to ${spec.name} answered ${status}: ${JSON.stringify(answer).slice(0, 300)}`);
    }
  }
}
