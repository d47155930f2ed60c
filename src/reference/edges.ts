// Bin edges from a quantile function: the minimum, equal-frequency quantiles and the
// maximum, sorted with duplicates removed (a discrete feature's repeated quantiles
// collapse), so the edges are strictly increasing as binIndex requires.

import { fineQuantileLevels } from '../stats/exact.js';

export type QuantileFunction = (p: number) => number;

/** Coarse edges: [min, q(1/b), …, q((b-1)/b), max], unique and sorted. */
export function coarseEdges(quantile: QuantileFunction, min: number, max: number, bins: number): number[] {
  const points = [min, max];
  for (let i = 1; i < bins; i++) points.push(quantile(i / bins));
  return uniqueSorted(points, min, max);
}

/**
 * Fine edges: the coarse edges plus the quantiles at fineQuantileLevels (the equal-frequency
 * levels j/fineBins and tail levels halving toward single values at either end, so heavy
 * tails are split finely enough for Wasserstein from bins), unique and sorted.
 */
export function fineEdges(
  coarse: readonly number[],
  quantile: QuantileFunction,
  min: number,
  max: number,
  fineBins: number,
  valueCount: number,
): number[] {
  const points = [...coarse, min, max];
  for (const level of fineQuantileLevels(fineBins, valueCount)) points.push(quantile(level));
  return uniqueSorted(points, min, max);
}

/**
 * Clamps into [min, max] (an interpolated quantile may stray by an ulp), drops NaN (the
 * digest's interpolation overflows on values near ±1.8e308), sorts, drops duplicates.
 */
function uniqueSorted(points: number[], min: number, max: number): number[] {
  const clamped = points.filter((x) => !Number.isNaN(x)).map((x) => (x < min ? min : x > max ? max : x));
  clamped.sort((a, b) => a - b);
  const edges: number[] = [];
  for (const x of clamped) {
    if (edges.length === 0 || x > edges[edges.length - 1]) edges.push(x === 0 ? 0 : x); // no -0 in the file
  }
  return edges;
}

/**
 * Exact quantiles of a small set of distinct values with counts (the inverse of the
 * empirical CDF: the smallest value whose cumulative share reaches p).
 */
export function exactQuantiles(valueCounts: ReadonlyMap<number, number>): QuantileFunction {
  const values = [...valueCounts.keys()].sort((a, b) => a - b);
  const cumulative: number[] = [];
  let total = 0;
  for (const value of values) {
    total += valueCounts.get(value) ?? 0;
    cumulative.push(total);
  }
  return (p) => {
    const target = p * total * (1 - 1e-12); // so 0.3 * 10 reaches a cumulative count of 3
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] >= target) hi = mid;
      else lo = mid + 1;
    }
    return values[lo];
  };
}
