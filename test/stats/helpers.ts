// Shared by the stats tests: the scipy fixtures, tolerance checks, and binning written as a
// plain loop (independent of binIndex, so the binned methods are checked against the rule itself).
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export interface FixtureValue<T = number> {
  value: T;
  /** The formula and the scipy/numpy call that produced the value. */
  formula: string;
}

export interface BinnedFixtureCase {
  name: string;
  reference: number[];
  window: number[];
  expected: Record<'psi' | 'jensen_shannon' | 'chebyshev' | 'chi2_pvalue', FixtureValue>;
}

export interface ChiSquarePoolingCase {
  name: string;
  reference: number[];
  window: number[];
  /** The window and expected counts after Cochran's pooling, as the generator pooled them. */
  pooled_observed: number[];
  pooled_expected: number[];
  expected: { chi2_pvalue: FixtureValue };
}

export interface ContinuousFixtureCase {
  name: string;
  reference: number[];
  window: number[];
  expected: {
    ks: FixtureValue;
    wasserstein: FixtureValue;
    reference_std: FixtureValue;
    quantiles: FixtureValue<number[]>;
    edges: FixtureValue<number[]>;
    fine_quantiles: FixtureValue<number[]>;
  };
}

/** A sample of discrete.json: base + v for each [v, count] of atoms (count copies), then base + x for each x of values. */
export interface FixtureSample {
  base?: number;
  atoms: [number, number][];
  values: number[];
}

export interface DiscreteFixtureCase {
  name: string;
  why: string;
  drifted: boolean;
  reference: FixtureSample;
  window: FixtureSample;
  expected: Record<'ks' | 'wasserstein' | 'reference_std' | 'wasserstein_normalized', FixtureValue>;
}

/** The values of a FixtureSample, each base + v one double addition (as numpy made them). */
export function expandSample(sample: FixtureSample): Float64Array {
  const base = sample.base ?? 0;
  const size = sample.atoms.reduce((n, [, count]) => n + count, 0) + sample.values.length;
  const values = new Float64Array(size);
  let at = 0;
  for (const [v, count] of sample.atoms) values.fill(base + v, at, (at += count));
  for (const x of sample.values) values[at++] = base + x;
  return values;
}

export interface ChiSquareFixtureCase {
  x: number;
  dof: number;
  expected: FixtureValue;
}

export function loadFixture<T>(name: string): { meta: Record<string, string>; cases: T[] } {
  const url = new URL(`../fixtures/stats/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as { meta: Record<string, string>; cases: T[] };
}

/** |actual - expected| <= max(abs, rel·|expected|), with a message that names the case. */
export function expectClose(actual: number, expected: number, tolerance: { abs?: number; rel?: number }, what: string): void {
  const allowed = Math.max(tolerance.abs ?? 0, (tolerance.rel ?? 0) * Math.abs(expected));
  const error = Math.abs(actual - expected);
  if (!(error <= allowed)) {
    expect.fail(`${what}: got ${actual}, expected ${expected} (error ${error.toExponential(3)} > ${allowed.toExponential(3)})`);
  }
}

/** Counts per upper-inclusive bin, by reading the rule literally: the first edge >= value. */
export function countByScan(values: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) {
    let bin = 0;
    while (bin < edges.length && values[i] > edges[bin]) bin++;
    counts[bin]++;
  }
  return counts;
}

/** Counts of string values per category, in the order given; values outside it are dropped. */
export function countCategories(values: readonly string[], categories: readonly string[]): Float64Array {
  const counts = new Float64Array(categories.length);
  for (const value of values) {
    const at = categories.indexOf(value);
    if (at >= 0) counts[at]++;
  }
  return counts;
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * One side as the monitor keeps it, by scanning the rule literally: counts per bin and per bin
 * Σ (value - lower edge), bin 0 relative to edges[0] (src/stats/continuous.ts).
 */
export function sideByScan(values: ArrayLike<number>, edges: ArrayLike<number>): { counts: Float64Array; offsets: Float64Array } {
  const counts = new Float64Array(edges.length + 1);
  const offsets = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) {
    let bin = 0;
    while (bin < edges.length && values[i] > edges[bin]) bin++;
    counts[bin]++;
    offsets[bin] += values[i] - edges[bin === 0 ? 0 : bin - 1];
  }
  return { counts, offsets };
}

/**
 * The proven bound on |W1 from bins - exact W1| (src/stats/continuous.ts), from the bins alone:
 * Σ over interior bins where F_ref - F_win may change sign of U - |I|, with I = ∫_bin D exact,
 * U = min(I - 2h·D_min, 2h·D_max - I). Outer bins add nothing when one side has no values there.
 */
export function w1ErrorBound(
  edges: ArrayLike<number>,
  reference: { counts: ArrayLike<number>; offsets: ArrayLike<number> },
  window: { counts: ArrayLike<number>; offsets: ArrayLike<number> },
): number {
  const total = (c: ArrayLike<number>): number => Array.from(c).reduce((a, b) => a + b, 0);
  const r = total(reference.counts);
  const w = total(window.counts);
  let rc = reference.counts[0];
  let wc = window.counts[0];
  let bound = 0;
  for (let i = 1; i < edges.length; i++) {
    const [rLow, wLow] = [rc / r, wc / w];
    rc += reference.counts[i];
    wc += window.counts[i];
    const [rHigh, wHigh] = [rc / r, wc / w];
    const h = edges[i] - edges[i - 1];
    const integral = h * (rHigh - wHigh) - (reference.offsets[i] / r - window.offsets[i] / w);
    const [lowest, highest] = [rLow - wHigh, rHigh - wLow];
    if (lowest < 0 && highest > 0) bound += Math.min(integral - 2 * h * lowest, 2 * h * highest - integral) - Math.abs(integral);
  }
  return bound;
}
