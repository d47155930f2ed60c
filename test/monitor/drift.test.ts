// The drift the sidecar computes from its window equals an exact computation on the
// raw window values: binned methods to 1e-9 given the reference edges; KS within 0.01
// and normalised Wasserstein within 2% relative of the exact two-sample values.
import { describe, expect, it } from 'vitest';
import { DriftComputer, METHODS_PER_SLOT } from '../../src/monitor/drift.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { chiSquareSurvival } from '../../src/stats/gamma.js';
import type { NumericSlot } from '../../src/monitor/layout.js';
import {
  categoricalSketch,
  countBins,
  normal,
  numericSketch,
  seededRandom,
  syntheticReference,
  testModel,
} from '../support/synthetic-reference.js';

const random = seededRandom(11);
const referencePrices = Array.from({ length: 5000 }, () => normal(random, 100, 15));
const referenceCountries = Array.from({ length: 5000 }, () => pick(random, ['DE', 'DE', 'FR', 'US', 'IT']));
const referenceBooleans = Array.from({ length: 5000 }, () => (random() < 0.3 ? 'true' : 'false'));
const referenceScores = Array.from({ length: 5000 }, () => random());

function pick<T>(r: () => number, items: T[]): T {
  return items[Math.floor(r() * items.length)];
}

function setup(minSamples = 50) {
  const model = testModel();
  model.drift.min_samples = minSamples;
  const reference = syntheticReference(
    model,
    { price: numericSketch(referencePrices), country: categoricalSketch(referenceCountries), returning: categoricalSketch(referenceBooleans) },
    numericSketch(referenceScores),
  );
  const monitor = new ModelMonitor(model, reference, [1]);
  return { model, monitor, drift: new DriftComputer(monitor.layout, model.drift) };
}

/** PSI = Σ (w − r) ln(w / r) over proportions, zeros replaced by 1e-4 (Evidently's convention). */
function psiExact(ref: number[], win: number[]): number {
  const rt = ref.reduce((a, b) => a + b, 0);
  const wt = win.reduce((a, b) => a + b, 0);
  let sum = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] / rt || 1e-4;
    const w = win[i] / wt || 1e-4;
    sum += (w - r) * Math.log(w / r);
  }
  return sum;
}

/** JS distance, base 2: sqrt(½ KL(p‖m) + ½ KL(q‖m)), m = (p + q)/2. */
function jsExact(ref: number[], win: number[]): number {
  const rt = ref.reduce((a, b) => a + b, 0);
  const wt = win.reduce((a, b) => a + b, 0);
  let d = 0;
  for (let i = 0; i < ref.length; i++) {
    const p = ref[i] / rt;
    const q = win[i] / wt;
    const m = (p + q) / 2;
    if (p > 0) d += 0.5 * p * Math.log2(p / m);
    if (q > 0) d += 0.5 * q * Math.log2(q / m);
  }
  return Math.sqrt(d);
}

/** Two-sample KS statistic, sup |F_a − F_b|, by merging the sorted samples. */
function ksExact(a: number[], b: number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** W1 = ∫ |F_a − F_b| dx over the merged sample points. */
function w1Exact(a: number[], b: number[]): number {
  const all = [...a, ...b].sort((p, q) => p - q);
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let w = 0;
  for (let k = 0; k < all.length - 1; k++) {
    while (i < x.length && x[i] <= all[k]) i++;
    while (j < y.length && y[j] <= all[k]) j++;
    w += Math.abs(i / x.length - j / y.length) * (all[k + 1] - all[k]);
  }
  return w;
}

function std(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

describe('drift from the window', () => {
  for (const [name, shift, scale] of [['undrifted', 0, 1], ['mean shift of 1 std', 15, 1], ['unit change ×1000', 0, 1000]] as const) {
    it(`numeric feature, ${name}: matches exact values on the raw window`, () => {
      const { monitor, drift } = setup();
      const r = seededRandom(5);
      const window = Array.from({ length: 3000 }, () => normal(r, 100 + shift, 15) * scale);
      for (const price of window) monitor.record({ features: { price } });
      const result = drift.compute(monitor.state.defaultCell, 1000);
      const slot = monitor.layout.slots[0] as NumericSlot;
      const [psi, js, wn, ks] = result.scores.subarray(0, METHODS_PER_SLOT);
      const edges = Array.from(slot.coarseEdges);
      const refCoarse = countBins(referencePrices, edges);
      const winCoarse = countBins(window, edges);
      expect(psi).toBeCloseTo(psiExact(refCoarse, winCoarse), 9);
      expect(js).toBeCloseTo(jsExact(refCoarse, winCoarse), 9);
      expect(Math.abs(ks - ksExact(referencePrices, window))).toBeLessThanOrEqual(0.01);
      const wExact = w1Exact(referencePrices, window) / std(referencePrices);
      // 2% relative where the drift is real; sampling-noise W1 (undrifted) is ~0.03 std, checked absolutely.
      if (shift === 0 && scale === 1) expect(Math.abs(wn - wExact)).toBeLessThan(0.005);
      else expect(Math.abs(wn - wExact) / wExact).toBeLessThan(0.02);
      expect(result.samples[0]).toBe(3000);
      expect(result.drifted[0]).toBe(psi > 0.2 ? 1 : 0);
    });
  }

  it('categorical feature with an unseen category: PSI, JS, chi-square p and Chebyshev', () => {
    const { monitor, drift } = setup();
    const r = seededRandom(9);
    const window = Array.from({ length: 1000 }, () => pick(r, ['DE', 'FR', 'FR', 'US', 'XX']));
    for (const country of window) monitor.record({ features: { country } });
    const result = drift.compute(monitor.state.defaultCell, 1000);
    const slot = monitor.layout.slots[1];
    if (slot.kind !== 'categorical') throw new Error('country is categorical');
    const bins = slot.categories;
    const ref = bins.map((c) => (c === '__other__' ? 0 : referenceCountries.filter((v) => v === c).length));
    const win = bins.map((c) => (c === '__other__' ? window.filter((v) => !bins.includes(v)).length : window.filter((v) => v === c).length));
    const at = slot.index * METHODS_PER_SLOT;
    expect(result.scores[at]).toBeCloseTo(psiExact(ref, win), 9);
    expect(result.scores[at + 1]).toBeCloseTo(jsExact(ref, win), 9);
    // XX lands in __other__, which the reference never saw (expected 0): Cochran's pooling merges it
    // into the category expecting the fewest values, the only sparse one here.
    const n = window.length;
    const total = ref.reduce((a, b) => a + b, 0);
    const cells = ref.map((c, i) => ({ e: (c / total) * n, o: win[i] })).filter((c) => c.e >= 5);
    const smallest = cells.reduce((best, c) => (c.e < best.e ? c : best), cells[0]);
    smallest.o += win[bins.indexOf('__other__')];
    const statistic = cells.reduce((sum, c) => sum + (c.o - c.e) ** 2 / c.e, 0);
    expect(result.scores[at + 2]).toBeCloseTo(chiSquareSurvival(statistic, cells.length - 1), 12);
    expect(result.scores[at + 2]).toBeLessThan(1e-100);
    const rt = ref.reduce((a, b) => a + b, 0);
    const cheb = Math.max(...ref.map((c, i) => Math.abs(c / rt - win[i] / window.length)));
    expect(result.scores[at + 3]).toBeCloseTo(cheb, 9);
  });

  it('exports nothing below min_samples, and the share counts only judged features', () => {
    const { monitor, drift } = setup(100);
    for (let i = 0; i < 99; i++) monitor.record({ features: { price: 100, country: 'DE' } });
    let result = drift.compute(monitor.state.defaultCell, 1);
    expect(Number.isNaN(result.scores[0])).toBe(true);
    expect(Number.isNaN(result.drifted[0])).toBe(true);
    expect(Number.isNaN(result.driftedShare)).toBe(true);
    monitor.record({ features: { price: 100, country: 'DE' } });
    result = drift.compute(monitor.state.defaultCell, 2);
    expect(Number.isNaN(result.scores[0])).toBe(false);
    // price constant at 100 and country all DE: both drift against the reference; returning has no values.
    expect(result.drifted[0]).toBe(1);
    expect(result.drifted[1]).toBe(1);
    expect(Number.isNaN(result.drifted[2])).toBe(true);
    expect(result.driftedShare).toBe(1);
  });
});
