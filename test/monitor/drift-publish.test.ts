// What a drift computation publishes (times are Unix ms; the results say seconds): a computation that throws halfway leaves the previous
// result whole (scratch, then swap) and counts a failure; the noise levels and the prediction's
// decision are exported with the scores, at min_samples and only for a reference that has
// noise levels; a reference without them (format_version 1) still loads and decides on the
// threshold alone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeReference } from '../../src/reference/io.js';
import { startSidecar } from '../../src/serve/sidecar.js';
import { MetricsRegistry, createCollectors } from '../../src/metrics/registry.js';
import { METHODS_PER_SLOT } from '../../src/monitor/drift.js';
import { Fleet } from '../../src/monitor/fleet.js';
import type { CategoricalSlot } from '../../src/monitor/layout.js';
import type { Reference } from '../../src/reference/types.js';
import { isDrift, noiseLevelAt } from '../../src/stats/noise-level.js';
import { normal, seededRandom, testConfig, testModel, testReference, withNoiseLevels } from '../support/synthetic-reference.js';

const silent = pino({ level: 'silent' });
let withNoise: Reference;

beforeAll(async () => {
  withNoise = await withNoiseLevels(testReference());
}, 60_000);

function fleetOf(reference: Reference): Fleet {
  return new Fleet(testConfig(), new Map([['shop', reference]]));
}

function send(fleet: Fleet, events: number, shift: number, seed: number): void {
  const monitor = fleet.models[0].monitor;
  const random = seededRandom(seed);
  for (let i = 0; i < events; i++) {
    monitor.record({
      features: { price: normal(random, 100 + shift, 15), country: random() < 0.5 ? 'DE' : 'FR', returning: random() < 0.3 },
      prediction: { score: random() },
    });
  }
}

function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

describe('a drift computation that throws halfway', () => {
  it('leaves the previous result exported whole, counts the failure, and recovers', async () => {
    const fleet = fleetOf(testReference());
    const m = fleet.models[0];
    send(fleet, 300, 0, 1);
    fleet.computeDrift(m, 1000_000);
    const before = { scores: Float64Array.from(m.monitor.state.model.drift.scores), drifted: Float64Array.from(m.monitor.state.model.drift.drifted) };
    // New traffic would change price's scores (slot 0, computed first)...
    send(fleet, 300, 30, 2);
    // ...but country (slot 1) fails: its reference no longer matches its bins.
    const country = m.monitor.layout.slots[1] as CategoricalSlot;
    const counts = country.referenceCounts;
    country.referenceCounts = new Float64Array(1);
    expect(() => fleet.computeDrift(m, 1010_000)).toThrow(RangeError);
    expect(m.drift.failures).toBe(1);
    expect(Array.from(m.monitor.state.model.drift.scores)).toEqual(Array.from(before.scores));
    expect(Array.from(m.monitor.state.model.drift.drifted)).toEqual(Array.from(before.drifted));
    expect(m.monitor.state.model.drift.computedAt).toBe(1000);
    const scraped = samples(await new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false }).render());
    expect(scraped.get('mlwatch_drift_compute_failures_total{model="shop"}')).toBe(1);
    expect(scraped.get('mlwatch_drift_last_computed_timestamp_seconds{model="shop"}')).toBe(1000);
    expect(scraped.get('mlwatch_feature_drift{model="shop",feature="price",method="psi"}')).toBe(before.scores[0]);

    country.referenceCounts = counts;
    fleet.computeDrift(m, 1020_000);
    expect(m.monitor.state.model.drift.computedAt).toBe(1020);
    expect(m.monitor.state.model.drift.scores[0]).not.toBe(before.scores[0]);
    expect(m.drift.failures).toBe(1);
  });
});

describe('noise levels and decisions in /metrics', () => {
  it('with noise levels: one noise series per score, at the window size, and the prediction decision', async () => {
    const fleet = fleetOf(withNoise);
    const m = fleet.models[0];
    send(fleet, 30, 0, 3);
    fleet.computeAllDrift(1000_000);
    let scraped = samples(await new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false }).render());
    // Below min_samples (50): no scores, no noise, no decisions.
    expect([...scraped.keys()].filter((k) => /drift_noise|_drifted\{|_drift\{/.test(k))).toEqual([]);

    send(fleet, 170, 0, 4);
    fleet.computeAllDrift(1010_000);
    scraped = samples(await new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false }).render());
    const noise = [...scraped.keys()].filter((k) => k.startsWith('mlwatch_feature_drift_noise{') || k.startsWith('mlwatch_prediction_drift_noise{'));
    expect(noise).toHaveLength(4 * 4);
    const { layout } = m.monitor;
    const thresholds = m.monitor.model.drift.thresholds;
    for (const slot of layout.slots) {
      const isPrediction = slot === layout.prediction;
      const n = m.monitor.state.model.drift.samples[slot.index];
      expect(n).toBe(200);
      const methods = slot.kind === 'numeric' ? ['psi', 'jensen_shannon', 'wasserstein_normalized', 'ks'] : ['psi', 'jensen_shannon', 'chi2_pvalue', 'chebyshev'];
      methods.forEach((method, k) => {
        const labels = isPrediction ? `model="shop",method="${method}"` : `model="shop",feature="${slot.name}",method="${method}"`;
        const exported = scraped.get(`mlwatch_${isPrediction ? 'prediction' : 'feature'}_drift_noise{${labels}}`);
        const expected = noiseLevelAt(slot.noise?.windows ?? [], slot.noise?.levels[k] ?? [], n, method === 'chi2_pvalue');
        expect(exported, labels).toBe(expected);
        // The stored 99.9% levels are the ones used (noise_quantile default).
        const stored = (isPrediction ? withNoise.prediction : withNoise.features[slot.name]).noise as Record<string, { q999: number[] }>;
        expect(Array.from(slot.noise?.levels[k] ?? [])).toEqual(stored[method].q999);
      });
      const decision = m.monitor.model.drift.decision_method[slot.kind];
      const k = methods.indexOf(decision);
      const at = slot.index * METHODS_PER_SLOT + k;
      const drifted = isDrift(decision, m.monitor.state.model.drift.scores[at], thresholds[decision], m.monitor.state.model.drift.noise[at]) ? 1 : 0;
      const name = isPrediction ? 'mlwatch_prediction_drifted{model="shop"}' : `mlwatch_feature_drifted{model="shop",feature="${slot.name}"}`;
      expect(scraped.get(name), name).toBe(drifted);
    }
  });

  it('a format_version 1 reference: scores and decisions by the threshold alone, no noise series', async () => {
    const reference = testReference();
    expect(reference.format_version).toBe(1);
    const fleet = fleetOf(reference);
    const m = fleet.models[0];
    send(fleet, 200, 0, 5);
    fleet.computeAllDrift(1000_000);
    const scraped = samples(await new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false }).render());
    expect([...scraped.keys()].filter((k) => k.includes('drift_noise'))).toEqual([]);
    expect(scraped.get('mlwatch_prediction_drifted{model="shop"}')).toBeDefined();
    const thresholds = m.monitor.model.drift.thresholds;
    const { scores } = m.monitor.state.model.drift;
    // price decides on PSI (testModel's decision method) against 0.2 alone.
    expect(scraped.get('mlwatch_feature_drifted{model="shop",feature="price"}')).toBe(scores[0] >= thresholds.psi ? 1 : 0);
    expect(Array.from(m.monitor.state.model.drift.noise).every(Number.isNaN)).toBe(true);
  });

  it('serve loads a format_version 1 reference from its file and logs the warning at start-up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlwatch-v1-'));
    try {
      const model = { ...testModel(), reference: join(dir, 'reference.json') };
      const { checksum: _, ...reference } = testReference(model);
      // The synthetic sketches have no t-digest; one centroid per sketch keeps the file valid.
      for (const sketch of [...Object.values(reference.features), reference.prediction]) {
        if (sketch.kind === 'numeric') sketch.digest = [{ mean: sketch.summary.mean, n: sketch.summary.count }];
      }
      await writeReference(model.reference, reference);
      let logs = '';
      const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => ((logs += chunk.toString('utf8')), done()) });
      const sidecar = await startSidecar(testConfig([model]), { processMetrics: false, logger: pino({ level: 'info' }, sink) });
      await sidecar.close();
      const warnings = logs.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { level: number; msg: string; model?: string });
      expect(warnings.filter((w) => w.level === 40 && w.model === 'shop' && w.msg.startsWith('models[0].reference: the reference (format_version 1) has no noise levels'))).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
