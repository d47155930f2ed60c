// KS and Wasserstein-1 from fine bins against the exact two-sample values on raw samples.
//
// What is proven (see src/stats/continuous.ts for why each bound holds):
//   KS:  KS_bins <= KS_exact <= KS_bins + (largest reference mass in one fine bin); with ~200
//        equal-frequency bins that mass is ~0.005, so KS is within 0.01 for continuous features.
//   W1:  |W1_bins - W1_exact| <= Σ_interior (e_i - e_{i-1})·(r_i + w_i) always; and within 2%
//        relative (of W1, hence of W1/std) for drifts large enough to measure, on light and
//        moderately heavy tails (normal, lognormal, Student t3), references of >= 20 000 values and
//        windows of >= 2 000, with fineEdges (equal-frequency edges plus split outer bins).
//   Where 2% does NOT hold, the test says so and asserts the bound instead: Cauchy tails, tiny
//   windows, small references, features with a few distinct values, and plain quantileEdges
//   without the outer splits (measured over seeds: 4-9% for a normal's std x1.5, 18-80% for a
//   lognormal's scale x1.5, growing with the reference size as its outermost bins widen).
import { describe, expect, it } from 'vitest';
import { binCounts, fineEdges, ksExact, quantileEdges, wassersteinExact } from '../../src/stats/exact.js';
import {
  ksFromBins,
  normalizedWasserstein,
  referenceTails,
  wassersteinFromBins,
  type BinnedValues,
} from '../../src/stats/continuous.js';
import { countByScan, expectClose, loadFixture, sortedCopy, type ContinuousFixtureCase } from './helpers.js';
import { cauchy, lognormals, meanAndStd, normals, sample, seededRandom, studentT, type Random } from './random.js';

const FINE_BINS = 200;

/** The window side as the monitor keeps it: counts per fine bin and the sums of the two open bins. */
function windowValues(edges: ArrayLike<number>, values: ArrayLike<number>): BinnedValues {
  let sumFirst = 0;
  let sumLast = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] <= edges[0]) sumFirst += values[i];
    if (values[i] > edges[edges.length - 1]) sumLast += values[i];
  }
  return { counts: binCounts(values, edges), sumFirst, sumLast };
}

interface Measured {
  ksBins: number;
  ksExact: number;
  maxReferenceMass: number;
  w1Bins: number;
  w1Exact: number;
  /** Σ_interior (e_i - e_{i-1})(r_i + w_i): the proven bound on |w1Bins - w1Exact|. */
  w1Bound: number;
  referenceStd: number;
}

function measure(reference: Float64Array, window: Float64Array, edges: number[]): Measured {
  const referenceCounts = binCounts(reference, edges);
  const window_ = windowValues(edges, window);
  let maxReferenceMass = 0;
  for (const c of referenceCounts) maxReferenceMass = Math.max(maxReferenceMass, c / reference.length);
  let w1Bound = 0;
  for (let i = 1; i < edges.length; i++) {
    w1Bound += (edges[i] - edges[i - 1]) * (referenceCounts[i] / reference.length + window_.counts[i] / window.length);
  }
  return {
    ksBins: ksFromBins(edges, referenceCounts, window_.counts),
    ksExact: ksExact(reference, window),
    maxReferenceMass,
    w1Bins: wassersteinFromBins(edges, referenceTails(edges, referenceCounts), window_),
    w1Exact: wassersteinExact(reference, window),
    w1Bound,
    referenceStd: meanAndStd(reference).std,
  };
}

function expectKsWithinBound(m: Measured): void {
  expect(m.ksBins).toBeLessThanOrEqual(m.ksExact + 1e-12);
  expect(m.ksExact - m.ksBins).toBeLessThanOrEqual(m.maxReferenceMass + 1e-12);
  if (m.maxReferenceMass <= 0.01) expect(Math.abs(m.ksExact - m.ksBins)).toBeLessThanOrEqual(0.01);
}

function expectW1WithinBound(m: Measured): void {
  expect(Math.abs(m.w1Bins - m.w1Exact)).toBeLessThanOrEqual(m.w1Bound + 1e-9 * m.w1Exact);
}

type W1Check =
  /** a drift large enough that 2% of it is meaningful */
  | 'relative 2%'
  /** no drift: W1 is sampling noise, ~1/sqrt(n) std, and the binned error (~ one tail bin's width times its mass) is of the same order, so a relative tolerance would test noise; 0.01 std absolute instead */
  | 'absolute 0.01 std'
  /** 2% does not hold here: only the proven bound is asserted */
  | 'bound only';

interface AccuracyCase {
  name: string;
  w1: W1Check;
  draw: (random: Random) => { reference: Float64Array; window: Float64Array };
}

function poisson(random: Random, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

const shiftedByHalfStd = (reference: Float64Array, window: Float64Array): Float64Array => {
  const { std } = meanAndStd(reference);
  return window.map((v) => v + 0.5 * std);
};

const cases: AccuracyCase[] = [
  { name: 'normal, 0.5 std mean shift', w1: 'relative 2%', draw: (r) => ({ reference: normals(r, 20_000), window: normals(r, 2_000, 0.5) }) },
  { name: 'normal, std x1.5', w1: 'relative 2%', draw: (r) => ({ reference: normals(r, 20_000), window: normals(r, 2_000, 0, 1.5) }) },
  { name: 'normal, unit change x1000', w1: 'relative 2%', draw: (r) => ({ reference: normals(r, 20_000), window: normals(r, 2_000, 0, 1000) }) },
  { name: 'normal, same distribution', w1: 'absolute 0.01 std', draw: (r) => ({ reference: normals(r, 20_000), window: normals(r, 2_000) }) },
  {
    name: 'lognormal, 0.5 std shift',
    w1: 'relative 2%',
    draw: (r) => {
      const reference = lognormals(r, 100_000);
      return { reference, window: shiftedByHalfStd(reference, lognormals(r, 10_000)) };
    },
  },
  { name: 'lognormal, scale x1.5', w1: 'relative 2%', draw: (r) => ({ reference: lognormals(r, 100_000), window: lognormals(r, 10_000).map((v) => v * 1.5) }) },
  {
    name: 'Student t3 (heavy tail, finite variance), 0.5 std shift',
    w1: 'relative 2%',
    draw: (r) => ({ reference: studentT(r, 20_000, 3), window: studentT(r, 2_000, 3).map((v) => v + 0.5 * Math.sqrt(3)) }),
  },
  // Cauchy: the outermost bins span thousands of units with a handful of values; W1 there depends
  // on where exactly those values sit, which counts cannot say (measured errors 10-50%).
  { name: 'Cauchy, shift 2', w1: 'bound only', draw: (r) => ({ reference: cauchy(r, 20_000), window: cauchy(r, 2_000).map((v) => v + 2) }) },
  { name: 'Cauchy, scale x2', w1: 'bound only', draw: (r) => ({ reference: cauchy(r, 20_000), window: cauchy(r, 2_000).map((v) => v * 2) }) },
  // Ten values: one value in a wide outer bin moves W1 by its position there (measured up to 4%).
  { name: 'tiny window of 10', w1: 'bound only', draw: (r) => ({ reference: normals(r, 20_000), window: normals(r, 10, 0.5) }) },
  // 1000 reference values leave 5 per bin and wide outer bins (measured 2-8%).
  { name: 'small reference of 1000, lognormal x1.5', w1: 'bound only', draw: (r) => ({ reference: lognormals(r, 1_000), window: lognormals(r, 400).map((v) => v * 1.5) }) },
  {
    name: 'empty bins: the window in a narrow slice',
    w1: 'relative 2%',
    draw: (r) => ({ reference: normals(r, 20_000), window: sample(2_000, () => 0.2 + 0.1 * r()) }),
  },
  {
    name: 'discrete, many values (Poisson 20 vs 25)',
    w1: 'relative 2%',
    draw: (r) => ({ reference: sample(20_000, () => poisson(r, 20)), window: sample(5_000, () => poisson(r, 25)) }),
  },
  // Values sit on the edges, not spread inside bins as the estimate assumes: with few distinct
  // values the half-bin bias at the ends is a few percent (measured 3-5%). KS is exact here.
  {
    name: 'discrete, few values (Poisson 2 vs 2.5)',
    w1: 'bound only',
    draw: (r) => ({ reference: sample(20_000, () => poisson(r, 2)), window: sample(5_000, () => poisson(r, 2.5)) }),
  },
  // The window's side is exact (tail sums); only the reference's spread inside its bins is estimated.
  { name: 'disjoint supports, window above', w1: 'relative 2%', draw: (r) => ({ reference: sample(5_000, r), window: sample(500, () => 5 + r()) }) },
  { name: 'disjoint supports, window below', w1: 'relative 2%', draw: (r) => ({ reference: sample(5_000, r), window: sample(500, () => -3 - r()) }) },
];

function checkW1(check: W1Check, m: Measured): void {
  expectW1WithinBound(m);
  const binned = normalizedWasserstein(m.w1Bins, m.referenceStd);
  const exact = normalizedWasserstein(m.w1Exact, m.referenceStd);
  if (check === 'relative 2%') expectClose(binned, exact, { rel: 0.02 }, 'normalised W1');
  if (check === 'absolute 0.01 std') expectClose(binned, exact, { abs: 0.01 }, 'normalised W1');
}

describe('KS and W1 from fine bins (fineEdges, 200 bins + outer splits + the two tails) vs exact', () => {
  cases.forEach(({ name, w1, draw }, index) => {
    it(`${name} — W1 ${w1}`, () => {
      const { reference, window } = draw(seededRandom(1000 + index));
      const m = measure(reference, window, fineEdges(sortedCopy(reference), FINE_BINS));
      expectKsWithinBound(m);
      checkW1(w1, m);
    });
  });

  it('huge: 1e6 reference values, 2e5 window values, 0.5 std shift and no drift', () => {
    const random = seededRandom(99);
    const reference = normals(random, 1_000_000);
    const edges = fineEdges(sortedCopy(reference), FINE_BINS);
    for (const [shift, check] of [[0.5, 'relative 2%'], [0, 'absolute 0.01 std']] as const) {
      const m = measure(reference, normals(random, 200_000, shift), edges);
      expectKsWithinBound(m);
      checkW1(check, m);
    }
  });

  it('identical samples: KS 0 and W1 0', () => {
    const reference = lognormals(seededRandom(5), 10_000);
    const m = measure(reference, reference, fineEdges(sortedCopy(reference), FINE_BINS));
    expect(m.ksBins).toBe(0);
    expect(m.ksExact).toBe(0);
    expect(m.w1Bins).toBeLessThanOrEqual(1e-12);
  });

  it('constant feature: one edge, W1 exact and unnormalised; KS sees only values above the constant', () => {
    const random = seededRandom(6);
    const reference = new Float64Array(500).fill(3);
    const window = Float64Array.of(...new Array<number>(30).fill(3), ...normals(random, 20, 3));
    const edges = fineEdges(sortedCopy(reference), FINE_BINS);
    expect(edges).toEqual([3]);
    const m = measure(reference, window, edges);
    expect(m.referenceStd).toBe(0);
    expectClose(normalizedWasserstein(m.w1Bins, 0), m.w1Exact, { rel: 1e-9 }, 'W1 of a constant feature');
    // Bin 0 = (-Inf, 3] holds both the constant and anything below it; the reference's whole mass
    // is in that bin, so the bound allows missing the values below: KS_bins = share above 3.
    const above = window.filter((v) => v > 3).length / window.length;
    expect(m.ksBins).toBeCloseTo(above, 15);
    expectKsWithinBound(m);
  });
});

describe('KS and W1 from plain equal-frequency edges (quantileEdges, 200 bins + the two tails)', () => {
  // The KS bound holds whatever the edges; W1 keeps its proven bound but not 2% (see the header).
  cases.forEach(({ name, draw }, index) => {
    it(name, () => {
      const { reference, window } = draw(seededRandom(1000 + index));
      const m = measure(reference, window, quantileEdges(sortedCopy(reference), FINE_BINS));
      expectKsWithinBound(m);
      expectW1WithinBound(m);
    });
  });
});

describe('ksFromBins equals max over edges of |F_ref(e) - F_win(e)| on raw samples (1e-12)', () => {
  const fixture = loadFixture<ContinuousFixtureCase>('continuous.json');
  for (const c of fixture.cases) {
    it(c.name, () => {
      const edges = fineEdges(sortedCopy(c.reference), 20);
      let expected = 0;
      for (const e of edges) {
        const below = (values: number[]): number => values.filter((v) => v <= e).length / values.length;
        expected = Math.max(expected, Math.abs(below(c.reference) - below(c.window)));
      }
      const ks = ksFromBins(edges, countByScan(c.reference, edges), countByScan(c.window, edges));
      expectClose(ks, expected, { abs: 1e-12 }, 'KS from bins');
      expect(ks).toBeLessThanOrEqual(c.expected.ks.value + 1e-12);
    });
  }
});

describe('wassersteinFromBins on hand-computed cases', () => {
  it('integrates |D| exactly for a linear D that changes sign inside a bin', () => {
    // Edges [0, 10, 20]. Reference: half at 0 (its minimum), half spread over (10, 20];
    // window: all spread over (0, 10]. D(0) = 0.5, D(10) = -0.5, D(20) = 0, linear between:
    // bin (0, 10] crosses zero at 5: 10·(0.25 + 0.25)/(2·1) = 2.5; bin (10, 20]: 10·0.5/2 = 2.5.
    const edges = [0, 10, 20];
    const binned = wassersteinFromBins(
      edges,
      { counts: [2, 0, 2, 0], sumFirst: 0, sumLast: 0 },
      { counts: [0, 4, 0, 0], sumFirst: 0, sumLast: 0 },
    );
    expect(binned).toBeCloseTo(5, 14);
    // The same with raw values spread evenly (midpoints of 10 000 equal steps): exact W1 → 5.
    const spread = (from: number, count: number): number[] => Array.from({ length: count }, (_, k) => from + (10 * (k + 0.5)) / count);
    const reference = [...new Array<number>(10_000).fill(0), ...spread(10, 10_000)];
    expectClose(wassersteinExact(reference, spread(0, 20_000)), binned, { abs: 1e-3 }, 'exact W1 of evenly spread values');
  });

  it('takes each tail from its side’s sum: |∫F_ref - ∫F_win| below the first edge', () => {
    // Edges [0, 1]. Reference {-2, -1, 1}: ∫_{-∞}^0 F_ref = (2·0 - (-3))/3 = 1. Window {-1, 1}:
    // (1·0 - (-1))/2 = 0.5. Tail 0.5 (exact here: F_ref >= F_win below 0). Bin (0, 1]: D from
    // 2/3 - 1/2 = 1/6 to 0, linear: 1/12. The exact W1 is 0.5 + 1/6 (the values sit on the edge).
    const binned = wassersteinFromBins(
      [0, 1],
      { counts: [2, 1, 0], sumFirst: -3, sumLast: 0 },
      { counts: [1, 1, 0], sumFirst: -1, sumLast: 0 },
    );
    expect(binned).toBeCloseTo(0.5 + 1 / 12, 14);
    expect(wassersteinExact([-2, -1, 1], [-1, 1])).toBeCloseTo(0.5 + 1 / 6, 14);
  });

  it('takes the upper tail from the sums above the last edge', () => {
    // Edges [0, 1]; reference {0, 1}; window {1, 4, 6}: above 1 the window's ∫(1 - F) = (10 - 2·1)/3.
    const binned = wassersteinFromBins(
      [0, 1],
      { counts: [1, 1, 0], sumFirst: 0, sumLast: 0 },
      { counts: [0, 1, 2], sumFirst: 0, sumLast: 10 },
    );
    // Bin (0, 1]: D from 1/2 to 1 - 1/3 = 2/3, linear: (1/2 + 2/3)/2.
    expect(binned).toBeCloseTo(8 / 3 + 7 / 12, 14);
  });
});

describe('continuous edge cases', () => {
  it('returns NaN when a side has no values', () => {
    expect(ksFromBins([1], [0, 0], [1, 0])).toBeNaN();
    expect(wassersteinFromBins([1], { counts: [1, 0], sumFirst: 1, sumLast: 0 }, { counts: [0, 0], sumFirst: 0, sumLast: 0 })).toBeNaN();
  });

  it('refuses counts that do not fit the edges, naming both lengths', () => {
    expect(() => ksFromBins([1, 2], [1, 2, 3], [1, 2])).toThrow(/window has 2 bins for 2 edges/);
    expect(() => wassersteinFromBins([], { counts: [1], sumFirst: 0, sumLast: 0 }, { counts: [1], sumFirst: 0, sumLast: 0 })).toThrow(/at least one edge/);
  });

  it('referenceTails: bin 0 sums to count × minimum, and a non-empty last bin is refused', () => {
    expect(referenceTails([2, 5], Float64Array.of(4, 6, 0))).toMatchObject({ sumFirst: 8, sumLast: 0 });
    expect(() => referenceTails([2, 5], [4, 6, 1])).toThrow(/values above its last edge/);
  });

  it('normalizedWasserstein divides by a positive std, keeps W1 for std 0, NaN otherwise', () => {
    expect(normalizedWasserstein(3, 1.5)).toBe(2);
    expect(normalizedWasserstein(3, 0)).toBe(3);
    expect(normalizedWasserstein(3, -1)).toBeNaN();
    expect(normalizedWasserstein(3, NaN)).toBeNaN();
  });
});
