// Bin edges from a quantile function: the double below the minimum, equal-frequency quantiles
// and the maximum (plus, on the fine edges, tail quantiles and the two edges of every atom),
// sorted with duplicates removed (a discrete feature's repeated quantiles collapse), so the
// edges are strictly increasing as binIndex requires.
//
// The first edge is previousDouble(min): the bin below it holds no reference value, exactly
// like the bin above the maximum, so both outer bins get PSI's ε on the reference side and a
// window share beyond either end scores the same, whatever the size of the training set.
import { fineQuantileLevels } from '../stats/exact.js';
import { previousDouble } from '../stats/float.js';
import { atomEdges } from './atoms.js';

export type QuantileFunction = (p: number) => number;

/** The first edge of a column whose minimum is `min`: the double below it (min itself for -Number.MAX_VALUE). */
export function edgeBelowMinimum(min: number): number {
  const below = previousDouble(min);
  return Number.isFinite(below) ? below : min;
}

/** Coarse edges: [edgeBelowMinimum(min), q(1/b), …, q((b-1)/b), max], unique and sorted. */
export function coarseEdges(quantile: QuantileFunction, min: number, max: number, bins: number): number[] {
  const points = [max];
  for (let i = 1; i < bins; i++) points.push(quantile(i / bins));
  return strictlyIncreasing([edgeBelowMinimum(min), ...clamped(points, min, max)]);
}

/**
 * Fine edges from the quantiles: the coarse edges plus the quantiles at fineQuantileLevels (the
 * equal-frequency levels j/fineBins and tail levels halving toward single values at either end,
 * so heavy tails are split finely); unique and sorted. withAtomEdges adds the atoms'.
 */
export function fineEdges(
  coarse: readonly number[],
  quantile: QuantileFunction,
  min: number,
  max: number,
  fineBins: number,
  valueCount: number,
): number[] {
  const points: number[] = [];
  for (const level of fineQuantileLevels(fineBins, valueCount)) points.push(quantile(level));
  return strictlyIncreasing([...coarse, ...clamped(points, min, max)]);
}

/** `edges` plus previousDouble(a) and a for every atom a; unique and sorted. */
export function withAtomEdges(edges: readonly number[], atoms: readonly number[]): number[] {
  return strictlyIncreasing([...edges, ...atomEdges(atoms)]);
}

/** Clamps into [min, max] (an interpolated quantile may stray by an ulp) and drops NaN (the digest's interpolation overflows on values near ±1.8e308). */
function clamped(points: number[], min: number, max: number): number[] {
  return points.filter((x) => !Number.isNaN(x)).map((x) => (x < min ? min : x > max ? max : x));
}

function strictlyIncreasing(points: number[]): number[] {
  const sorted = [...points].sort((a, b) => a - b);
  const edges: number[] = [];
  for (const x of sorted) {
    if (edges.length === 0 || x > edges[edges.length - 1]) edges.push(x === 0 ? 0 : x); // no -0 in the file
  }
  return edges;
}

/**
 * Bins counted on `from` re-expressed on `to`, a subset of `from` with the same first edge:
 * counts add up, and offset sums move to the new lower edge (offset + count·(old lower - new lower)).
 */
export function mergeBins(
  from: readonly number[],
  counts: readonly number[],
  offsets: readonly number[],
  to: readonly number[],
): { counts: number[]; offsets: number[] } {
  if (to[0] !== from[0]) throw new RangeError(`mergeBins: the first edge must stay (${from[0]}, not ${to[0]})`);
  const merged = { counts: new Array<number>(to.length + 1).fill(0), offsets: new Array<number>(to.length + 1).fill(0) };
  let target = 0;
  for (let bin = 0; bin <= from.length; bin++) {
    // Old bin `bin` is (from[bin-1], from[bin]]; it lies in the first new bin whose upper edge is >= from[bin].
    if (bin < from.length) while (target < to.length && to[target] < from[bin]) target++;
    else target = to.length;
    const oldLower = from[bin === 0 ? 0 : bin - 1];
    const newLower = to[target === 0 ? 0 : target - 1];
    merged.counts[target] += counts[bin];
    merged.offsets[target] += counts[bin] === 0 ? offsets[bin] : offsets[bin] + counts[bin] * (oldLower - newLower);
  }
  return merged;
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
