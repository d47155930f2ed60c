// The noise levels a reference build stores: reproducible, ordered, of the right shape, and
// equal (within the sampling error of their 2000 windows) to the quantiles of an independent
// simulation written here: windows and resampled references drawn value by value from the
// reference's bins by the test's own generator, scored by the same slot scores.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOISE_REPLICATES, NOISE_WINDOWS, categoricalNoise, categoricalWindowWeights, noiseGrid, numericNoise, numericWindowWeights, roundDown, roundUp, simulatedSizes } from '../../src/reference/noise.js';
import type { CategoricalSketch, NumericSketch } from '../../src/reference/types.js';
import { CATEGORICAL_METHODS, NUMERIC_METHODS, categoricalSlotScores, coarseCounts, fineToCoarse, numericSlotScores } from '../../src/stats/slot-scores.js';
import { seededRandom } from '../stats/random.js';

fc.configureGlobal({ seed: 20_261_206 });

const CATEGORICAL: CategoricalSketch = {
  kind: 'categorical',
  count: 600,
  missing: 0,
  invalid: 0,
  categories: [
    { value: 'a', count: 300 },
    { value: 'b', count: 180 },
    { value: 'c', count: 90 },
    { value: 'd', count: 30 },
  ],
  other_count: 0,
};

/** 20 fine bins over 0..19, the coarse ones every 5; 800 values (the last bin, above the maximum, empty). */
const NUMERIC: NumericSketch = (() => {
  const fine = Array.from({ length: 20 }, (_, i) => i);
  const counts = [8, ...Array.from({ length: 19 }, (_, i) => 20 + ((i * 7) % 30)), 0];
  const total = counts.reduce((a, b) => a + b, 0);
  const coarse = [0, 5, 10, 15, 19];
  const coarseEnd = fineToCoarse(fine, coarse);
  return {
    kind: 'numeric',
    summary: { count: total, missing: 0, invalid: 0, mean: 9.5, std: 5.5, min: 0, max: 19 },
    digest: [],
    edges: coarse,
    counts: Array.from(coarseCounts(counts, coarseEnd, new Float64Array(coarse.length + 1))),
    fine_edges: fine,
    fine_counts: counts,
    // Format 2: within-bin offsets (values 0.3 above each bin's lower edge; bin 0's at edge 0).
    fine_offsets: counts.map((c, i) => (i === 0 ? 0 : c * 0.3)),
  };
})();

/** `n` values drawn one by one from the bins of `counts`, by inverse CDF on the test's generator. */
function drawCounts(random: () => number, counts: readonly number[], n: number): Float64Array {
  const total = counts.reduce((a, b) => a + b, 0);
  const out = new Float64Array(counts.length);
  for (let i = 0; i < n; i++) {
    let u = random() * total;
    let k = 0;
    while (k < counts.length - 1 && (u -= counts[k]) >= 0) k++;
    out[k]++;
  }
  return out;
}

/** Per method, `windows` two-sample scores at n: window and reference both drawn from the reference's bins (the window also beyond what the reference saw). */
function independentScores(sketch: CategoricalSketch | NumericSketch, n: number, windows: number): Float64Array[] {
  const random = seededRandom(n * 31 + windows);
  const scores = [0, 1, 2, 3].map(() => new Float64Array(windows));
  const out = new Float64Array(4);
  if (sketch.kind === 'categorical') {
    const counts = [...sketch.categories.map((c) => c.count), sketch.other_count];
    // Fresh windows: an empty __other__ gets the Good-Turing mass, one count per category seen once.
    const singletons = sketch.categories.filter((c) => c.count === 1).length;
    const fresh = [...counts.slice(0, -1), sketch.other_count === 0 ? singletons : sketch.other_count];
    for (let w = 0; w < windows; w++) {
      categoricalSlotScores(drawCounts(random, counts, sketch.count), drawCounts(random, fresh, n), out, 0);
      for (let m = 0; m < 4; m++) scores[m][w] = out[m];
    }
  } else {
    const coarseEnd = fineToCoarse(sketch.fine_edges, sketch.edges);
    // Every drawn value sits at its bin's mean offset in the reference.
    const meanOffset = sketch.fine_counts.map((c, i) => (c > 0 ? (sketch.fine_offsets?.[i] ?? 0) / c : 0));
    const side = (fine: Float64Array) => ({
      counts: fine,
      offsets: fine.map((c, i) => c * meanOffset[i]),
      coarse: coarseCounts(fine, coarseEnd, new Float64Array(coarseEnd.length)),
    });
    const reference = (fine: Float64Array) => {
      const drawn = side(fine);
      return {
        fineEdges: sketch.fine_edges,
        coarseEnd,
        referenceStd: sketch.summary.std,
        referenceFineCounts: drawn.counts,
        referenceFineOffsets: sketch.fine_offsets === undefined ? null : drawn.offsets,
        referenceCoarseCounts: drawn.coarse,
      };
    };
    // Fresh windows: one count in each empty outer bin (P(new value > max of N) = 1/(N + 1)).
    const fresh = sketch.fine_counts.map((c, i) => (c === 0 && (i === 0 || i === sketch.fine_counts.length - 1) ? 1 : c));
    for (let w = 0; w < windows; w++) {
      numericSlotScores(reference(drawCounts(random, sketch.fine_counts, sketch.summary.count)), side(drawCounts(random, fresh, n)), out, 0);
      for (let m = 0; m < 4; m++) scores[m][w] = out[m];
    }
  }
  return scores;
}

/** Share of `scores` at or beyond `level` (below it for a p-value). */
function exceedance(scores: Float64Array, level: number, low: boolean): number {
  let beyond = 0;
  for (const s of scores) if (low ? s <= level : s >= level) beyond++;
  return beyond / scores.length;
}

describe('noise levels', () => {
  const grid = noiseGrid();
  const categorical = categoricalNoise(CATEGORICAL, 11, grid);
  const numeric = numericNoise(NUMERIC, 12, grid);

  it('one level per window size, per method of the kind; q99 on the near side of q999', () => {
    expect(grid.windows).toEqual([...NOISE_WINDOWS]);
    expect(grid.replicates).toBe(NOISE_REPLICATES);
    for (const [levels, methods] of [[categorical, CATEGORICAL_METHODS], [numeric, NUMERIC_METHODS]] as const) {
      expect(Object.keys(levels)).toEqual([...methods]);
      for (const [method, { q99, q999 }] of Object.entries(levels)) {
        expect(q99).toHaveLength(NOISE_WINDOWS.length);
        expect(q999).toHaveLength(NOISE_WINDOWS.length);
        q99.forEach((level, i) => {
          if (method === 'chi2_pvalue') expect(q999[i]).toBeLessThanOrEqual(level);
          else expect(q999[i]).toBeGreaterThanOrEqual(level);
        });
      }
    }
  });

  it('fall with n for the distances, down to the floor the reference size sets', () => {
    for (const levels of [categorical, numeric]) {
      for (const [method, { q999 }] of Object.entries(levels)) {
        if (method === 'chi2_pvalue') continue;
        expect(q999[q999.length - 1], method).toBeLessThan(q999[0] / 3);
      }
    }
  });

  it('are reproducible for a seed, and the seed matters', () => {
    expect(categoricalNoise(CATEGORICAL, 11, grid)).toEqual(categorical);
    expect(numericNoise(NUMERIC, 12, grid)).toEqual(numeric);
    expect(categoricalNoise(CATEGORICAL, 13, grid)).not.toEqual(categorical);
  });

  // 20,000 independent windows: the share at or beyond a stored level estimates that level's
  // true exceedance to ±0.07 points (1 sd at 1%); the stored level itself, from 2000 windows,
  // is off by ±0.22 points at 99% and ±0.07 at 99.9% (1 sd). The bands are about 4 sd of both.
  for (const [kind, sketch, levels, n] of [
    ['categorical', CATEGORICAL, () => categorical, 170],
    ['numeric', NUMERIC, () => numeric, 405],
  ] as const) {
    it(`${kind}, n = ${n}: the stored 99% and 99.9% levels hold 1% and 0.1% of an independent simulation's windows beyond them`, () => {
      const scores = independentScores(sketch, n, 20_000);
      const at = NOISE_WINDOWS.indexOf(n);
      const methods = kind === 'categorical' ? CATEGORICAL_METHODS : NUMERIC_METHODS;
      const measured: string[] = [];
      methods.forEach((method, m) => {
        const stored = (levels() as Record<string, { q99: number[]; q999: number[] }>)[method];
        const low = method === 'chi2_pvalue';
        const beyond99 = exceedance(scores[m], stored.q99[at], low);
        const beyond999 = exceedance(scores[m], stored.q999[at], low);
        measured.push(`${method} ${(100 * beyond99).toFixed(2)}% / ${(100 * beyond999).toFixed(3)}%`);
        expect(beyond99, `${method} beyond its 99% level`).toBeGreaterThan(0.0015);
        expect(beyond99, `${method} beyond its 99% level`).toBeLessThan(0.02);
        expect(beyond999, `${method} beyond its 99.9% level`).toBeLessThan(0.004);
      });
      console.info(`${kind} n = ${n}, share beyond the stored 99% / 99.9% levels: ${measured.join(', ')}`);
    });
  }
});

describe('outward rounding to 6 significant digits', () => {
  const sixDigits = (x: number): boolean => Number(x.toExponential(5)) === x;
  /** x (6 digits) moved by one unit of its 6th significant digit. */
  const nudge = (x: number, units: number): number => {
    const [mantissa, exponent] = x.toExponential(5).split('e');
    return Number(`${Math.round(Number(mantissa) * 1e5) + units}e${Number(exponent) - 5}`);
  };
  it('roundUp is the smallest 6-digit number >= x, roundDown the largest <= x', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
        const up = roundUp(x);
        const down = roundDown(x);
        expect(up).toBeGreaterThanOrEqual(x);
        expect(down).toBeLessThanOrEqual(x);
        expect(sixDigits(up) && sixDigits(down)).toBe(true);
        // Tight: one unit of the 6th digit less than up is below x, one more than down above it.
        expect(nudge(up, -1)).toBeLessThan(x);
        expect(nudge(down, +1)).toBeGreaterThan(x);
      }),
    );
    expect(roundUp(0)).toBe(0);
    expect(roundUp(0.1234561)).toBe(0.123457);
    expect(roundDown(0.1234569)).toBe(0.123456);
    expect(roundUp(9.999991)).toBe(10);
  });
});

describe('what fresh windows are drawn from', () => {
  it('numeric: one count in each empty outer bin, nothing else changed', () => {
    expect(numericWindowWeights([0, 5, 3, 0])).toEqual([1, 5, 3, 1]);
    expect(numericWindowWeights([2, 5, 3, 0])).toEqual([2, 5, 3, 1]);
    expect(numericWindowWeights([0, 5, 0, 4])).toEqual([1, 5, 0, 4]);
  });

  it('categorical: an empty __other__ gets one count per category seen once (Good-Turing)', () => {
    expect(categoricalWindowWeights([10, 1, 1, 3, 0])).toEqual([10, 1, 1, 3, 2]);
    expect(categoricalWindowWeights([10, 1, 7])).toEqual([10, 1, 7]);
    expect(categoricalWindowWeights([700, 300, 0])).toEqual([700, 300, 0]);
  });
});

describe('a thinned grid (segment values)', () => {
  it('simulates every other size up to ten times the rows, always the first and that last one', () => {
    const windows = [...NOISE_WINDOWS];
    expect(simulatedSizes(windows, 150, 'full').every(Boolean)).toBe(true);
    // 10 × 150 = 1500: the first size at or above it is 2300 (index 5).
    expect(simulatedSizes(windows, 150, 'thinned')).toEqual([true, false, true, false, true, true, false, false, false, false, false, false, false]);
    expect(simulatedSizes(windows, 1e6, 'thinned')).toEqual(windows.map((_, i) => i % 2 === 0));
  });

  it('is conservative: a skipped size takes a level at or above its own (beyond Monte Carlo noise: 10% at q99.9)', () => {
    const grid = noiseGrid();
    // A 400-value sketch (a segment value's size), the levels of both coverages from one seed.
    const small: NumericSketch = {
      ...NUMERIC,
      fine_counts: NUMERIC.fine_counts.map((c) => Math.round(c / 2)),
      fine_offsets: NUMERIC.fine_counts.map((c, i) => (i === 0 ? 0 : Math.round(c / 2) * 0.3)),
    };
    const total = small.fine_counts.reduce((a, b) => a + b, 0);
    const coarseEnd = fineToCoarse(small.fine_edges, small.edges);
    small.counts = Array.from(coarseCounts(small.fine_counts, coarseEnd, new Float64Array(coarseEnd.length)));
    small.summary = { ...small.summary, count: total };
    const full = numericNoise(small, 5, grid, 'full');
    const thinned = numericNoise(small, 5, grid, 'thinned');
    const skipped = simulatedSizes(grid.windows, total, 'thinned').flatMap((on, k) => (on ? [] : [k]));
    for (const method of NUMERIC_METHODS) {
      for (const quantile of ['q99', 'q999'] as const) {
        let taken = 0;
        let own = 0;
        for (const k of skipped) {
          const label = `${method} ${quantile} n=${NOISE_WINDOWS[k]}`;
          expect(thinned[method][quantile][k], label).toBeGreaterThanOrEqual(full[method][quantile][k] * 0.9);
          taken += thinned[method][quantile][k];
          own += full[method][quantile][k];
        }
        // Over the skipped sizes together the levels taken are higher, not just within noise.
        expect(taken, `${method} ${quantile}`).toBeGreaterThan(own);
      }
    }
  });
});
