// Noise levels: how large each drift score gets on stationary data, per window size n.
// A score is noisy at small n (a window of 100 values from the training distribution itself
// scores Jensen-Shannon >= 0.1 four times in five), so mlwatch calls a window drifted only when
// its score is beyond both the configured threshold and the level that stationary windows of
// its size reach in 99.9% (or 99%) of cases. This module estimates those levels at build time.
//
// The null hypothesis is "window and training data come from the same distribution", and both
// are samples of it, so each simulated window is compared with a simulated reference
// (a two-sample parametric bootstrap on the reference's own bins):
//   - reference*: Multinomial(N, reference counts / N), N the reference's value count;
//   - window:     Multinomial(n, reference counts / N), with the mass a fresh value has outside
//                 what the reference saw (numericWindowWeights, categoricalWindowWeights);
//   - score:      the slot's scores of window against reference* (src/stats/slot-scores.ts, the
//                 same functions the sidecar exports).
// Comparing with the reference itself instead would ignore the reference's own sampling error,
// which dominates once n approaches N: fresh data against a 5,000-row reference at n = 5,000
// would then exceed the one-sample 99.9% level in ~13% of windows. Draws are over the fine bins
// (numeric; each value at its bin's mean offset in the reference, so none lies below the
// minimum or above the maximum) or the categories plus __other__ (categorical), O(bins) per window whatever n
// (conditional binomials, src/stats/binomial.ts).
//
// NOISE_REPLICATES windows per n; the levels are the linear-interpolated 99% and 99.9% sample
// quantiles (for chi2_pvalue the 1% and 0.1% lower quantiles), rounded outward to 6 significant
// digits. Reference* r is reused at every n (paired with window r), which costs nothing in
// accuracy at any one n. Seeded per slot: builds are reproducible.
import type { CategoricalDriftMethod, NumericDriftMethod } from '../config/types.js';
import { MultinomialSampler, multinomial } from '../stats/binomial.js';
import { quantileLinear } from '../stats/exact.js';
import {
  CATEGORICAL_METHODS,
  METHODS_PER_SLOT,
  NUMERIC_METHODS,
  categoricalSlotScores,
  coarseCounts,
  fineToCoarse,
  meanOffsetsOf,
  numericSlotScores,
  offsetsAtMean,
  type NumericReference,
  type NumericWindow,
} from '../stats/slot-scores.js';
import { seededUniform, type Uniform } from '../stats/uniform.js';
import type { CategoricalSketch, FeatureSketch, NoiseGrid, NoiseLevels, NumericSketch } from './types.js';

/**
 * Window sizes of the grid: 30 · (10^6 / 30)^(k / 12), k = 0 … 12, rounded (2.7 per decade;
 * neighbours differ by a factor of 2.38).
 */
export const NOISE_WINDOWS: readonly number[] = [30, 71, 170, 405, 965, 2300, 5477, 13_046, 31_072, 74_008, 176_273, 419_849, 1_000_000];
/** Simulated windows per n. */
export const NOISE_REPLICATES = 2000;

export function noiseGrid(): NoiseGrid {
  return { windows: [...NOISE_WINDOWS], replicates: NOISE_REPLICATES };
}

/** The noise levels of one sketch, per method of its kind. */
export type SketchNoise = NonNullable<NumericSketch['noise'] | CategoricalSketch['noise']>;

/**
 * How much of the grid a sketch simulates: all of it (the whole reference's sketches), or —
 * for a segment value's numeric sketch, five times as many of them and the build's main cost —
 * every other window size up to the first one ten times its rows, each skipped size taking the
 * level of the largest simulated size below it. Distance levels fall as n grows (towards the
 * reference's own noise, reached once n is many times N), so the level taken is never lower
 * than the one skipped: conservative, like the bracket rule between grid sizes (noise-level.ts).
 */
export type GridCoverage = 'full' | 'thinned';

/** A sketch's noise levels: what one worker computes for one slot. */
export function sketchNoise(sketch: FeatureSketch, seed: number, grid: NoiseGrid, coverage: GridCoverage = 'full'): SketchNoise {
  return sketch.kind === 'numeric' ? numericNoise(sketch, seed, grid, coverage) : categoricalNoise(sketch, seed, grid);
}

/** Which grid sizes a numeric sketch of `rows` values simulates (see GridCoverage). */
export function simulatedSizes(windows: readonly number[], rows: number, coverage: GridCoverage): boolean[] {
  if (coverage === 'full') return windows.map(() => true);
  const last = windows.findIndex((n) => n >= 10 * rows);
  const end = last < 0 ? windows.length - 1 : last;
  return windows.map((_, i) => i <= end && (i % 2 === 0 || i === end));
}

/** Noise levels of a numeric sketch, per method. */
export function numericNoise(sketch: NumericSketch, seed: number, grid: NoiseGrid = noiseGrid(), coverage: GridCoverage = 'full'): Record<NumericDriftMethod, NoiseLevels> {
  const coarseEnd = fineToCoarse(sketch.fine_edges, sketch.edges);
  const fineBins = sketch.fine_counts.length;
  const coarseBins = coarseEnd.length;
  // Every simulated value sits at its bin's mean offset in the reference (offsetsAtMean); a
  // format 1 sketch has no offsets, and its W1 reads none of the reference side's.
  const hasOffsets = sketch.fine_offsets !== undefined;
  const meanOffsets = meanOffsetsOf(sketch.fine_counts, sketch.fine_offsets ?? null);
  const counts = new Float64Array(fineBins);
  const offsets = new Float64Array(fineBins);
  const coarse = new Float64Array(coarseBins);
  const window: NumericWindow = { counts, offsets, coarse };
  const references: NumericReference[] = resampledReferences(seededUniform(seed), sketch.fine_counts, sketch.summary.count, grid.replicates).map((fine) => ({
    fineEdges: sketch.fine_edges,
    coarseEnd,
    referenceStd: sketch.summary.std,
    referenceFineCounts: fine,
    referenceFineOffsets: hasOffsets ? offsetsAtMean(fine, meanOffsets, new Float64Array(fineBins)) : null,
    referenceCoarseCounts: coarseCounts(fine, coarseEnd, new Float64Array(coarseBins)),
  }));
  const random = seededUniform(seed ^ 0x5bd1e995);
  const sampler = new MultinomialSampler(numericWindowWeights(sketch.fine_counts));
  const sizes = simulatedSizes(grid.windows, sketch.summary.count, coverage);
  return simulate(NUMERIC_METHODS, grid, sizes, (n, r, out) => {
    sampler.draw(random, n, counts);
    coarseCounts(counts, coarseEnd, coarse);
    offsetsAtMean(counts, meanOffsets, offsets);
    numericSlotScores(references[r], window, out, 0);
  });
}

/** Noise levels of a categorical sketch (its categories, then __other__), per method. */
export function categoricalNoise(sketch: CategoricalSketch, seed: number, grid: NoiseGrid = noiseGrid()): Record<CategoricalDriftMethod, NoiseLevels> {
  const counts = [...sketch.categories.map((c) => c.count), sketch.other_count];
  const window = new Float64Array(counts.length);
  const references = resampledReferences(seededUniform(seed), counts, sketch.count, grid.replicates);
  const random = seededUniform(seed ^ 0x5bd1e995);
  const sampler = new MultinomialSampler(categoricalWindowWeights(counts));
  return simulate(CATEGORICAL_METHODS, grid, grid.windows.map(() => true), (n, r, out) => {
    sampler.draw(random, n, window);
    categoricalSlotScores(references[r], window, out, 0);
  });
}

/**
 * What fresh windows are drawn from: the reference's fine counts, plus, in each outer bin the
 * reference leaves empty (below its minimum, above its maximum), one count — a new value from
 * a continuous distribution exceeds the maximum of N draws with probability exactly 1/(N + 1).
 * Without it a small reference's noise is under-stated: a value beyond a 150-row reference's
 * range puts a bin the reference never had into one window in two (one value in 100 there
 * alone is a Jensen-Shannon distance of 0.1). For discrete data it over-states (conservative).
 */
export function numericWindowWeights(fineCounts: readonly number[]): number[] {
  const weights = [...fineCounts];
  const last = weights.length - 1;
  if (weights[0] === 0) weights[0] = 1;
  if (last > 0 && weights[last] === 0) weights[last] = 1;
  return weights;
}

/**
 * Categories then __other__: with no reference value in __other__, fresh windows still meet
 * unseen values at the Good-Turing rate (categories seen once / N), so __other__ gets as many
 * counts as there are categories seen once.
 */
export function categoricalWindowWeights(counts: readonly number[]): number[] {
  const weights = [...counts];
  const other = weights.length - 1;
  if (weights[other] === 0) weights[other] = counts.slice(0, other).filter((c) => c === 1).length;
  return weights;
}

/** `replicates` samples of `total` values from the reference's own bins. */
function resampledReferences(random: Uniform, counts: readonly number[], total: number, replicates: number): Float64Array[] {
  const weights = Float64Array.from(counts);
  return Array.from({ length: replicates }, () => {
    const sample = new Float64Array(counts.length);
    multinomial(random, total, weights, sample);
    return sample;
  });
}

/**
 * Runs `scoreWindow(n, r, out)` for every simulated n and replicate r, and takes each method's
 * quantiles; a size not simulated repeats the previous size's levels (distances only).
 */
function simulate<M extends string>(
  methods: readonly M[],
  grid: NoiseGrid,
  simulated: readonly boolean[],
  scoreWindow: (n: number, replicate: number, out: Float64Array) => void,
): Record<M, NoiseLevels> {
  const levels = Object.fromEntries(methods.map((m) => [m, { q99: [], q999: [] } as NoiseLevels])) as Record<M, NoiseLevels>;
  const scores = methods.map(() => new Float64Array(grid.replicates));
  const out = new Float64Array(METHODS_PER_SLOT);
  for (const [k, n] of grid.windows.entries()) {
    if (!simulated[k]) {
      for (const method of methods) {
        const level = levels[method];
        level.q99.push(level.q99[k - 1]);
        level.q999.push(level.q999[k - 1]);
      }
      continue;
    }
    for (let r = 0; r < grid.replicates; r++) {
      scoreWindow(n, r, out);
      for (let m = 0; m < methods.length; m++) scores[m][r] = out[m];
    }
    methods.forEach((method, m) => {
      const sorted = scores[m].sort();
      if (Number.isNaN(sorted[sorted.length - 1])) throw new Error(`noise simulation: ${method} scored NaN at n = ${n}`);
      const level = levels[method];
      if (method === 'chi2_pvalue') {
        level.q99.push(roundDown(quantileLinear(sorted, 0.01)));
        level.q999.push(roundDown(quantileLinear(sorted, 0.001)));
      } else {
        level.q99.push(roundUp(quantileLinear(sorted, 0.99)));
        level.q999.push(roundUp(quantileLinear(sorted, 0.999)));
      }
    });
  }
  return levels;
}

const DIGITS = 6;

/** The smallest 6-significant-digit number >= x (x >= 0): outward rounding keeps a level conservative. */
export function roundUp(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const rounded = Number(x.toExponential(DIGITS - 1));
  return rounded >= x ? rounded : step(x, +1);
}

/** The largest 6-significant-digit number <= x (x >= 0). */
export function roundDown(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const rounded = Number(x.toExponential(DIGITS - 1));
  return rounded <= x ? rounded : step(x, -1);
}

/** x's 6-digit rounding moved one unit in the last place (by string: no Math.pow). */
function step(x: number, direction: 1 | -1): number {
  const [mantissa, exponent] = x.toExponential(DIGITS - 1).split('e');
  let units = Math.round(Number(mantissa) * 1e5) + direction;
  let shift = Number(exponent) - (DIGITS - 1);
  // Down from a power of ten (1.00000eK - 1 unit): the largest 6-digit number below is 9.99999e(K-1).
  if (units < 1e5) {
    units = units * 10 + 9;
    shift -= 1;
  }
  return Number(`${units}e${shift}`);
}
