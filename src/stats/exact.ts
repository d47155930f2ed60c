// Exact statistics on raw samples: the definitions the binned estimates are measured against,
// and the tools the reference builder needs (counts per bin, quantile edges).
//   KS  = sup_x |F_a(x) - F_b(x)|, F the empirical CDF (scipy.stats.ks_2samp(a, b).statistic);
//   W1  = ∫ |F_a(x) - F_b(x)| dx (scipy.stats.wasserstein_distance(a, b));
//   quantile(q) of sorted x_0..x_{n-1}: h = (n - 1)·q, x_⌊h⌋ + (h - ⌊h⌋)(x_⌊h⌋+1 - x_⌊h⌋)
//     (numpy.quantile's default 'linear' method, with numpy's lerp so the values match to the bit).
// Bin edges: quantileEdges (equal-frequency, the coarse histogram buckets) and fineEdges (the
// same plus tail quantiles, for KS and Wasserstein; see fineQuantileLevels for why).
// ksExact and wassersteinExact of an empty sample are NaN; the edge builders throw on one. They
// sort copies of their inputs: meant for tests and offline builds, not for the serving path.
import { binIndex } from './bins.js';

/** Counts of `values` per bin of `edges` (edges.length + 1 bins, upper-inclusive, see bins.ts). */
export function binCounts(values: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (Number.isNaN(value)) throw new RangeError(`binCounts: value at index ${i} is NaN; only numbers can be binned`);
    counts[binIndex(edges, value)]++;
  }
  return counts;
}

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** scipy.stats.ks_2samp statistic: the largest gap between the two empirical CDFs. */
export function ksExact(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  let i = 0;
  let j = 0;
  let max = 0;
  // Both CDFs only change at data points; evaluate them just after each distinct value.
  while (i < x.length && j < y.length) {
    const at = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= at) i++;
    while (j < y.length && y[j] <= at) j++;
    max = Math.max(max, Math.abs(i / x.length - j / y.length));
  }
  return max;
}

/** scipy.stats.wasserstein_distance: the area between the two empirical CDFs. */
export function wassersteinExact(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  let i = 0;
  let j = 0;
  let at = Math.min(x[0], y[0]);
  let distance = 0;
  for (;;) {
    while (i < x.length && x[i] <= at) i++;
    while (j < y.length && y[j] <= at) j++;
    if (i === x.length && j === y.length) return distance;
    const next = Math.min(i < x.length ? x[i] : Infinity, j < y.length ? y[j] : Infinity);
    // Between `at` and the next data point both CDFs are constant.
    distance += Math.abs(i / x.length - j / y.length) * (next - at);
    at = next;
  }
}

/** numpy.quantile(sorted, q) with method='linear', including numpy's two-sided lerp. */
export function quantileLinear(sortedValues: ArrayLike<number>, q: number): number {
  const last = sortedValues.length - 1;
  const position = last * q;
  if (position >= last) return sortedValues[last];
  const below = Math.floor(position);
  const t = position - below;
  const a = sortedValues[below];
  const b = sortedValues[below + 1];
  const difference = b - a;
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}

function assertSortedSample(sortedValues: ArrayLike<number>, method: string): void {
  if (sortedValues.length === 0) throw new RangeError(`${method}: needs at least one value`);
  for (let i = 0; i < sortedValues.length; i++) {
    if (Number.isNaN(sortedValues[i]) || (i > 0 && sortedValues[i] < sortedValues[i - 1])) {
      throw new RangeError(`${method}: value at index ${i} is NaN or out of order; values must be sorted ascending`);
    }
  }
}

function assertBinCount(bins: number, method: string): void {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`${method}: bins is ${bins}; it must be an integer >= 1`);
}

/** The minimum, the quantiles at `levels` (ascending), the maximum; duplicates collapsed. */
function edgesAt(sortedValues: ArrayLike<number>, levels: readonly number[]): number[] {
  const edges = [sortedValues[0]];
  for (const level of levels) {
    const edge = quantileLinear(sortedValues, level);
    if (edge > edges[edges.length - 1]) edges.push(edge);
  }
  const max = sortedValues[sortedValues.length - 1];
  if (max > edges[edges.length - 1]) edges.push(max);
  return edges;
}

/** q = k / bins for k = 1 … bins - 1, computed as numpy's np.arange(1, bins) / bins. */
function equalFrequencyLevels(bins: number): number[] {
  const levels: number[] = [];
  for (let k = 1; k < bins; k++) levels.push(k / bins);
  return levels;
}

/** min, equal-frequency quantiles (numpy 'linear'), max; strictly increasing (duplicates collapsed). */
export function quantileEdges(sortedValues: ArrayLike<number>, bins: number): number[] {
  assertSortedSample(sortedValues, 'quantileEdges');
  assertBinCount(bins, 'quantileEdges');
  // Same levels as a multiple of the coarse bin count, so fine edges contain every coarse edge.
  return edgesAt(sortedValues, equalFrequencyLevels(bins));
}

/**
 * Quantile levels of the fine bins: the equal-frequency levels k / bins, plus tail levels
 * p, p/2, p/4 … and 1 - p, 1 - p/2 … with p = 1 / (2·bins), down to one value from either end
 * (p·(valueCount - 1) >= 1). Ascending.
 *
 * Why the tail levels: the outermost equal-frequency bins of a skewed or heavy-tailed feature
 * span most of its range with 1/bins of its mass, and Wasserstein from bins assumes values spread
 * evenly inside a bin; halving the tail bins' mass down to single values keeps that assumption
 * cheap to be wrong about (2·log2(valueCount / (2·bins)) extra edges, ~20 for a million values).
 */
export function fineQuantileLevels(bins: number, valueCount: number): number[] {
  assertBinCount(bins, 'fineQuantileLevels');
  const lower: number[] = [];
  for (let p = 1 / (2 * bins); p * (valueCount - 1) >= 1; p /= 2) lower.push(p);
  const upper = lower.map((p) => 1 - p);
  return [...lower.reverse(), ...equalFrequencyLevels(bins), ...upper];
}

/**
 * Fine bin edges for KS and Wasserstein: quantileEdges(sortedValues, bins) plus the tail
 * quantiles of fineQuantileLevels; strictly increasing. Each fine bin then holds about 1/bins of
 * the values or fewer (more only where one value repeats), so KS from these bins is within about
 * 1/bins of the exact statistic (see continuous.ts).
 */
export function fineEdges(sortedValues: ArrayLike<number>, bins: number): number[] {
  assertSortedSample(sortedValues, 'fineEdges');
  return edgesAt(sortedValues, fineQuantileLevels(bins, sortedValues.length));
}
