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
