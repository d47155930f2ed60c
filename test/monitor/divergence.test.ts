// A variant's prediction divergence from the default variant's live window, against oracles
// computed from the raw scores: PSI and Jensen-Shannon on the coarse bins (the same formulas
// as src/stats/binned.ts, restated here; 1e-12), KS against the exact two-sample statistic
// (within 0.01, the fine bins' resolution).
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { Fleet } from '../../src/monitor/fleet.js';
import type { NumericSlot } from '../../src/monitor/layout.js';
import { ksExact } from '../../src/stats/exact.js';
import { countBins, normal, numericSketch, categoricalSketch, seededRandom, syntheticReference, testConfig, testModel } from '../support/synthetic-reference.js';

function psiOracle(ref: number[], win: number[]): number {
  const rt = ref.reduce((a, b) => a + b, 0);
  const wt = win.reduce((a, b) => a + b, 0);
  return ref.reduce((sum, r, i) => {
    const p = r / rt || 1e-4;
    const q = win[i] / wt || 1e-4;
    return sum + (q - p) * Math.log(q / p);
  }, 0);
}

function jsOracle(ref: number[], win: number[]): number {
  const rt = ref.reduce((a, b) => a + b, 0);
  const wt = win.reduce((a, b) => a + b, 0);
  let d = 0;
  for (let i = 0; i < ref.length; i++) {
    const p = ref[i] / rt;
    const q = win[i] / wt;
    const m = (p + q) / 2;
    if (p > 0) d += p * Math.log2(p / m);
    if (q > 0) d += q * Math.log2(q / m);
  }
  return Math.sqrt(d / 2);
}

const NOW = 1_800_000_000_000;

function fleet(minSamples: number): Fleet {
  const model = testModel({ variants: { names: ['champion', 'canary'], shadows: [], pairing_ttl_seconds: 60, max_pending_pairs: 100 } });
  model.drift.min_samples = minSamples;
  const random = seededRandom(2);
  const scores = Array.from({ length: 4000 }, () => random());
  const reference = syntheticReference(
    model,
    {
      price: numericSketch(Array.from({ length: 4000 }, () => normal(random, 100, 10))),
      country: categoricalSketch(['DE', 'FR']),
      returning: categoricalSketch(['true', 'false']),
    },
    numericSketch(scores),
  );
  const config: Config = { ...testConfig(), models: [model] };
  return new Fleet(config, new Map([[model.name, reference]]), () => NOW);
}

describe('variant prediction divergence', () => {
  it('compares the canary window with the champion window, not with the reference', () => {
    const f = fleet(100);
    const m = f.models[0];
    const random = seededRandom(9);
    const champion = Array.from({ length: 1500 }, () => random());
    const canary = Array.from({ length: 600 }, () => Math.min(1, random() * 0.7 + 0.3));
    for (const score of champion) m.monitor.record({ features: {}, prediction: { score } });
    for (const score of canary) m.monitor.record({ features: {}, variant: 'canary', prediction: { score } });
    f.computeDrift(m);
    const { state } = m.monitor;
    const slot = m.monitor.layout.prediction as NumericSlot;
    const edges = Array.from(slot.coarseEdges);
    const a = countBins(champion, edges);
    const b = countBins(canary, edges);
    const divergence = state.cells[state.index.variantCell(1)].divergence;
    expect(divergence[0]).toBeCloseTo(psiOracle(a, b), 12);
    expect(divergence[1]).toBeCloseTo(jsOracle(a, b), 12);
    expect(Math.abs(divergence[2] - ksExact(champion, canary))).toBeLessThan(0.01);
    // __other__ has no traffic: no divergence.
    expect(Number.isNaN(state.cells[state.index.variantCell(2)].divergence[0])).toBe(true);
  });

  it('is NaN until both windows hold min_samples predictions', () => {
    const f = fleet(100);
    const m = f.models[0];
    for (let i = 0; i < 500; i++) m.monitor.record({ features: {}, prediction: { score: i / 500 } });
    for (let i = 0; i < 99; i++) m.monitor.record({ features: {}, variant: 'canary', prediction: { score: i / 99 } });
    f.computeDrift(m);
    const canary = m.monitor.state.cells[m.monitor.state.index.variantCell(1)];
    expect(Array.from(canary.divergence).every(Number.isNaN)).toBe(true);
    m.monitor.record({ features: {}, variant: 'canary', prediction: { score: 0.5 } });
    f.computeDrift(m);
    expect(Array.from(canary.divergence).some(Number.isNaN)).toBe(false);
  });
});
