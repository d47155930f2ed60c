// PSI, Jensen-Shannon, Chebyshev and the chi-square p-value on binned distributions,
// proven three ways: against each formula computed here directly on raw samples, against
// scipy (test/fixtures/stats/binned.json), and by fast-check properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PSI_EPSILON,
  chebyshevDistance,
  chiSquarePValue,
  jensenShannonDistance,
  psi,
} from '../../src/stats/binned.js';
import { quantileEdges } from '../../src/stats/exact.js';
import { chiSquareSurvival } from '../../src/stats/gamma.js';
import { countByScan, countCategories, expectClose, loadFixture, sortedCopy, type BinnedFixtureCase, type ChiSquarePoolingCase } from './helpers.js';
import { lognormals, normals, seededRandom, type Random } from './random.js';

// A fixed seed: the same cases on every run (shrunk counterexamples stay reproducible).
fc.configureGlobal({ seed: 20_260_101 });

const proportions = (counts: ArrayLike<number>): number[] => {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  return Array.from(counts, (c) => c / total);
};

// The formulas, written out as in their definitions (not as src/stats/binned.ts computes them).

/** PSI = Σ (w - r) ln(w / r), a zero proportion replaced by 1e-4 (Evidently). */
function psiByFormula(reference: ArrayLike<number>, window: ArrayLike<number>): number {
  const r = proportions(reference).map((p) => (p === 0 ? 1e-4 : p));
  const w = proportions(window).map((p) => (p === 0 ? 1e-4 : p));
  return r.reduce((sum, ri, i) => sum + (w[i] - ri) * Math.log(w[i] / ri), 0);
}

/** JS distance = sqrt((Σ rel_entr(r, m) + Σ rel_entr(w, m)) / 2 / ln 2), m = (r + w)/2 (scipy's code path). */
function jensenShannonByFormula(reference: ArrayLike<number>, window: ArrayLike<number>): number {
  const r = proportions(reference);
  const w = proportions(window);
  const relativeEntropy = (x: number, y: number): number => (x === 0 ? 0 : x * Math.log(x / y));
  let sum = 0;
  for (let i = 0; i < r.length; i++) {
    const m = (r[i] + w[i]) / 2;
    sum += relativeEntropy(r[i], m) + relativeEntropy(w[i], m);
  }
  return Math.sqrt(Math.max(0, sum / 2 / Math.LN2));
}

/** Chebyshev = max |r - w|. */
function chebyshevByFormula(reference: ArrayLike<number>, window: ArrayLike<number>): number {
  const r = proportions(reference);
  const w = proportions(window);
  return Math.max(...r.map((ri, i) => Math.abs(ri - w[i])));
}

/**
 * Cochran's pooling as the README states it, then Σ (o - e)²/e and dof = pooled categories - 1:
 * categories with e = r·n < 5 are pooled; a pool with e < 5 joins the remaining category with the
 * smallest e (the first of equal ones); every category sparse → one category.
 */
function pooledChiSquare(reference: ArrayLike<number>, window: ArrayLike<number>): { statistic: number; dof: number } {
  const r = proportions(reference);
  const n = Array.from(window).reduce((a, b) => a + b, 0);
  const cells = r.map((ri, i) => ({ o: window[i], e: ri * n }));
  const kept = cells.filter((c) => c.e >= 5);
  const sparse = cells.filter((c) => c.e < 5);
  const pool = { o: sparse.reduce((a, c) => a + c.o, 0), e: sparse.reduce((a, c) => a + c.e, 0) };
  if (sparse.length > 0) {
    if (pool.e >= 5 || kept.length === 0) kept.push(pool);
    else {
      const smallest = kept.reduce((best, c) => (c.e < best.e ? c : best), kept[0]);
      smallest.o += pool.o;
      smallest.e += pool.e;
    }
  }
  return { statistic: kept.reduce((sum, c) => sum + (c.o - c.e) ** 2 / c.e, 0), dof: kept.length - 1 };
}

/** Bins a numeric sample into the reference's coarse quantile edges by a plain loop. */
function numericCase(random: Random, bins: number, drawReference: () => Float64Array, drawWindow: () => Float64Array) {
  const reference = drawReference();
  const window = drawWindow();
  const edges = quantileEdges(sortedCopy(reference), bins);
  return { reference: countByScan(reference, edges), window: countByScan(window, edges) };
}

function categorySample(random: Random, categories: readonly string[], weights: readonly number[], count: number): string[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: count }, () => {
    let u = random() * total;
    for (let i = 0; i < categories.length; i++) if ((u -= weights[i]) < 0) return categories[i];
    return categories[categories.length - 1];
  });
}

describe('binned methods equal their formulas on raw samples (tolerance 1e-9)', () => {
  const random = seededRandom(7);
  const colours = ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow', 'black', 'white', 'grey'];
  const cases: { name: string; reference: Float64Array; window: Float64Array }[] = [
    // 10 coarse bins from quantiles + 2 tails = 12 bins; the window's tails may be non-empty.
    { name: 'normal, 0.5 std shift', ...numericCase(random, 10, () => normals(random, 5000), () => normals(random, 800, 0.5)) },
    { name: 'normal, same distribution', ...numericCase(random, 10, () => normals(random, 5000), () => normals(random, 800)) },
    { name: 'lognormal, x2 scale', ...numericCase(random, 10, () => lognormals(random, 5000), () => lognormals(random, 300).map((v) => v * 2)) },
    { name: 'tiny window of 10', ...numericCase(random, 10, () => normals(random, 5000), () => normals(random, 10, 0.3)) },
    {
      name: 'categories, drifted weights',
      reference: countCategories(categorySample(random, colours, [9, 8, 7, 6, 5, 4, 3, 2, 1], 4000), colours),
      window: countCategories(categorySample(random, colours, [1, 2, 3, 4, 5, 6, 7, 8, 9], 700), colours),
    },
    {
      name: 'categories, window misses some',
      reference: countCategories(categorySample(random, colours, [1, 1, 1, 1, 1, 1, 1, 1, 1], 4000), colours),
      window: countCategories(categorySample(random, colours, [5, 0, 3, 0, 1, 1, 0, 2, 2], 500), colours),
    },
    {
      name: 'categories, window holds one the reference never saw',
      reference: countCategories(categorySample(random, colours, [3, 2, 1, 0, 1, 1, 1, 1, 1], 4000), colours),
      window: countCategories(categorySample(random, colours, [3, 2, 1, 1, 1, 1, 1, 1, 1], 500), colours),
    },
  ];

  for (const { name, reference, window } of cases) {
    it(name, () => {
      expectClose(psi(reference, window), psiByFormula(reference, window), { abs: 1e-9, rel: 1e-9 }, 'PSI');
      expectClose(jensenShannonDistance(reference, window), jensenShannonByFormula(reference, window), { abs: 1e-9 }, 'JS');
      expectClose(chebyshevDistance(reference, window), chebyshevByFormula(reference, window), { abs: 1e-9 }, 'Chebyshev');

      // The pooled statistic and dof from the oracle above; chi2.sf itself is proven against scipy
      // in gamma.test.ts, and the whole p-value against scipy on pooled data below.
      const { statistic, dof } = pooledChiSquare(reference, window);
      const expected = dof > 0 ? chiSquareSurvival(statistic, dof) : 1;
      expectClose(chiSquarePValue(reference, window), expected, { abs: 1e-12, rel: 1e-9 }, 'chi-square p-value');
    });
  }
});

describe('binned methods match scipy (test/fixtures/stats/binned.json)', () => {
  const fixture = loadFixture<BinnedFixtureCase>('binned.json');
  for (const c of fixture.cases) {
    it(c.name, () => {
      const reference = Float64Array.from(c.reference);
      const window = Float64Array.from(c.window);
      const { psi: psiValue, jensen_shannon: js, chebyshev, chi2_pvalue: p } = c.expected;
      expectClose(psi(reference, window), psiValue.value, { abs: 1e-9, rel: 1e-9 }, `PSI: ${psiValue.formula}`);
      expectClose(jensenShannonDistance(reference, window), js.value, { abs: 1e-9 }, `JS: ${js.formula}`);
      expectClose(chebyshevDistance(reference, window), chebyshev.value, { abs: 1e-12 }, `Chebyshev: ${chebyshev.formula}`);
      // Relative for small p-values (scipy's own sf is accurate there); scipy's 0.0 is an underflow.
      expectClose(chiSquarePValue(reference, window), p.value, { abs: 1e-15, rel: 1e-9 }, `chi-square: ${p.formula}`);
    });
  }
});

describe('chi-square pooling matches scipy on the pooled data (test/fixtures/stats/chi2-pooling.json)', () => {
  const fixture = loadFixture<ChiSquarePoolingCase>('chi2-pooling.json');
  for (const c of fixture.cases) {
    it(c.name, () => {
      const reference = Float64Array.from(c.reference);
      const window = Float64Array.from(c.window);
      const { statistic, dof } = pooledChiSquare(reference, window);
      // The oracle pools as the generator did: same categories after pooling.
      expect(dof + 1).toBe(c.pooled_observed.length);
      expect(statistic).toBeCloseTo(c.pooled_observed.reduce((sum, o, i) => sum + (o - c.pooled_expected[i]) ** 2 / c.pooled_expected[i], 0), 9);
      const p = c.expected.chi2_pvalue;
      expectClose(chiSquarePValue(reference, window), p.value, { abs: 1e-15, rel: 1e-9 }, `chi-square: ${p.formula}`);
    });
  }

  it('one unseen value moves p a little; before pooling it made p = 0', () => {
    const reference = [500, 300, 200, 0];
    expect(chiSquarePValue(reference, [50, 30, 20, 0])).toBeCloseTo(1, 12);
    expect(chiSquarePValue(reference, [50, 30, 19, 1])).toBeGreaterThan(0.9);
  });
});

describe('binned methods: edge cases', () => {
  it('returns NaN when either side has no counts', () => {
    for (const method of [psi, jensenShannonDistance, chebyshevDistance, chiSquarePValue]) {
      expect(method([0, 0], [1, 2])).toBeNaN();
      expect(method([1, 2], [0, 0])).toBeNaN();
      expect(method([], [])).toBeNaN();
    }
  });

  it('refuses counts over different bins, naming both lengths', () => {
    expect(() => psi([1, 2, 3], [1, 2])).toThrow(/reference has 3 bins and window 2/);
    expect(() => chiSquarePValue([1], [1, 2])).toThrow(RangeError);
  });

  it('reads Float64Array subarrays in place', () => {
    const flat = Float64Array.of(99, 10, 20, 30, 99, 99, 5, 5, 20, 99);
    expect(psi(flat.subarray(1, 4), flat.subarray(6, 9))).toBeCloseTo(psiByFormula([10, 20, 30], [5, 5, 20]), 12);
  });

  it('replaces an empty proportion by PSI_EPSILON without renormalising', () => {
    // r = (1, 0), w = (0.5, 0.5): (0.5 - 1) ln 0.5 + (0.5 - 1e-4) ln(0.5 / 1e-4)
    const expected = -0.5 * Math.log(0.5) + (0.5 - PSI_EPSILON) * Math.log(0.5 / PSI_EPSILON);
    expect(psi([10, 0], [3, 3])).toBeCloseTo(expected, 12);
  });

  it('chi-square: one category after pooling has no degrees of freedom (p = 1); an unexpected value is pooled', () => {
    expect(chiSquarePValue([100], [7])).toBe(1);
    expect(chiSquarePValue([0, 100, 0], [0, 7, 0])).toBe(1);
    // e = (5.5, 5.5, 0): the unseen category joins the first: observed (6, 5), statistic 1/11, 1 dof.
    expect(chiSquarePValue([50, 50, 0], [5, 5, 1])).toBeCloseTo(chiSquareSurvival(1 / 11, 1), 14);
  });

  it('disjoint supports: JS distance 1, Chebyshev the larger mass moved', () => {
    expect(jensenShannonDistance([10, 20, 0, 0], [0, 0, 5, 7])).toBe(1);
    expect(chebyshevDistance([10, 0], [0, 3])).toBe(1);
  });
});

describe('binned methods: properties', () => {
  // Two count vectors over the same 1..40 bins, each with a positive total.
  const countPair = fc
    .integer({ min: 1, max: 40 })
    .chain((bins) =>
      fc.tuple(
        fc.array(fc.nat(1000), { minLength: bins, maxLength: bins }),
        fc.array(fc.nat(1000), { minLength: bins, maxLength: bins }),
      ),
    )
    .filter(([a, b]) => a.some((c) => c > 0) && b.some((c) => c > 0));
  const options = { numRuns: 500 };

  it('JS distance is in [0, 1] and symmetric', () => {
    fc.assert(
      fc.property(countPair, ([a, b]) => {
        const ab = jensenShannonDistance(a, b);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
        expect(Math.abs(ab - jensenShannonDistance(b, a))).toBeLessThanOrEqual(1e-15);
      }),
      options,
    );
  });

  it('PSI is >= 0 and symmetric', () => {
    fc.assert(
      fc.property(countPair, ([a, b]) => {
        expect(psi(a, b)).toBeGreaterThanOrEqual(0);
        expectClose(psi(a, b), psi(b, a), { abs: 1e-12, rel: 1e-12 }, 'PSI symmetry');
      }),
      options,
    );
  });

  it('Chebyshev distance and the chi-square p-value are in [0, 1]', () => {
    fc.assert(
      fc.property(countPair, ([a, b]) => {
        const distance = chebyshevDistance(a, b);
        const p = chiSquarePValue(a, b);
        expect(distance).toBeGreaterThanOrEqual(0);
        expect(distance).toBeLessThanOrEqual(1);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }),
      options,
    );
  });

  it('identical distributions (the window a multiple of the reference) score no drift', () => {
    fc.assert(
      fc.property(countPair, fc.integer({ min: 1, max: 50 }), ([a], factor) => {
        const b = a.map((c) => c * factor);
        expect(jensenShannonDistance(a, b)).toBe(0);
        expect(psi(a, b)).toBe(0);
        expect(chebyshevDistance(a, b)).toBe(0);
        expect(chiSquarePValue(a, b)).toBeGreaterThan(1 - 1e-9);
      }),
      options,
    );
  });
});
