// Exact raw-sample statistics (the yardsticks for the binned estimates) against scipy/numpy
// (test/fixtures/stats/continuous.json), plus binCounts and the edge builders.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binCounts,
  fineEdges,
  fineQuantileLevels,
  ksExact,
  quantileEdges,
  quantileLinear,
  wassersteinExact,
} from '../../src/stats/exact.js';
import { countByScan, expectClose, loadFixture, sortedCopy, type ContinuousFixtureCase } from './helpers.js';

// A fixed seed: the same cases on every run (shrunk counterexamples stay reproducible).
fc.configureGlobal({ seed: 20_260_101 });

const fixture = loadFixture<ContinuousFixtureCase>('continuous.json');

describe('exact statistics match scipy on raw samples', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const { ks, wasserstein } = c.expected;
      // ks_2samp's statistic is a difference of two fractions i/n - j/m: exact to rounding.
      expectClose(ksExact(c.reference, c.window), ks.value, { abs: 1e-12 }, ks.formula);
      expectClose(ksExact(c.window, c.reference), ks.value, { abs: 1e-12 }, `${ks.formula} (swapped)`);
      expectClose(wassersteinExact(c.reference, c.window), wasserstein.value, { abs: 1e-12, rel: 1e-9 }, wasserstein.formula);
      expectClose(wassersteinExact(c.window, c.reference), wasserstein.value, { abs: 1e-12, rel: 1e-9 }, `${wasserstein.formula} (swapped)`);
    });
  }

  it('gives NaN for an empty sample', () => {
    expect(ksExact([], [1])).toBeNaN();
    expect(wassersteinExact([1], [])).toBeNaN();
  });
});

describe('quantiles and edges match numpy', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const sorted = sortedCopy(c.reference);
      const { quantiles, edges, fine_quantiles: fine } = c.expected;
      const bins = quantiles.value.length + 1;
      quantiles.value.forEach((q, k) =>
        expectClose(quantileLinear(sorted, (k + 1) / bins), q, { abs: 1e-12, rel: 1e-14 }, `${quantiles.formula}, k=${k + 1}`),
      );
      const built = quantileEdges(sorted, bins);
      expect(built.length).toBe(edges.value.length);
      built.forEach((e, i) => expectClose(e, edges.value[i], { abs: 1e-12, rel: 1e-14 }, `${edges.formula}, edge ${i}`));

      const levels = fineQuantileLevels(bins, sorted.length);
      expect(levels.length).toBe(fine.value.length);
      levels.forEach((level, i) =>
        expectClose(quantileLinear(sorted, level), fine.value[i], { abs: 1e-12, rel: 1e-14 }, `${fine.formula}, level ${level}`),
      );
    });
  }
});

describe('binCounts', () => {
  it('agrees with a plain scan of the rule (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -100, max: 100 }), { maxLength: 200 }),
        fc.array(fc.integer({ min: -100, max: 100 }), { maxLength: 30 }),
        (values, rawEdges) => {
          const edges = [...new Set(rawEdges)].sort((a, b) => a - b);
          // Values drawn from the edges too, to land exactly on them.
          const all = [...values, ...rawEdges];
          expect(Array.from(binCounts(all, edges))).toEqual(Array.from(countByScan(all, edges)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses NaN, naming its index', () => {
    expect(() => binCounts([1, NaN], [0])).toThrow(/index 1 is NaN/);
  });
});

describe('quantileEdges and fineEdges', () => {
  it('start at the minimum, end at the maximum, strictly increasing, duplicates collapsed', () => {
    // numpy.quantile([1, 1, 1, 1, 2, 2, 3, 10], [.25, .5, .75]) = [1, 1.5, 2.25]; the first equals the minimum.
    expect(quantileEdges([1, 1, 1, 1, 2, 2, 3, 10], 4)).toEqual([1, 1.5, 2.25, 10]);
    expect(quantileEdges([5, 5, 5], 200)).toEqual([5]);
    expect(quantileEdges([7], 3)).toEqual([7]);
  });

  it('fine edges contain every coarse edge when fine bins are a multiple of coarse bins (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        (values, coarseBins, multiple) => {
          const sorted = sortedCopy(values);
          const coarse = quantileEdges(sorted, coarseBins);
          const fine = fineEdges(sorted, coarseBins * multiple);
          const fineSet = new Set(fine);
          for (const edge of coarse) expect(fineSet.has(edge)).toBe(true);
          for (let i = 1; i < fine.length; i++) expect(fine[i]).toBeGreaterThan(fine[i - 1]);
          expect(fine[0]).toBe(sorted[0]);
          expect(fine[fine.length - 1]).toBe(sorted[sorted.length - 1]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fine levels halve the outer bins down to one value from either end', () => {
    // 1000 values, 20 bins: p = 1/40, 1/80, 1/160, 1/320, 1/640 (p·999 >= 1), not 1/1280.
    const levels = fineQuantileLevels(20, 1000);
    expect(levels.slice(0, 6)).toEqual([1 / 640, 1 / 320, 1 / 160, 1 / 80, 1 / 40, 1 / 20]);
    expect(levels.length).toBe(19 + 2 * 5);
    expect(levels.at(-1)).toBe(1 - 1 / 640);
    expect(fineQuantileLevels(20, 30)).toEqual(Array.from({ length: 19 }, (_, k) => (k + 1) / 20));
  });

  it('refuses unsorted or empty samples and a bin count below 1', () => {
    expect(() => quantileEdges([], 10)).toThrow(/at least one value/);
    expect(() => quantileEdges([2, 1], 10)).toThrow(/index 1 is NaN or out of order/);
    expect(() => fineEdges([1, NaN], 10)).toThrow(/index 1/);
    expect(() => quantileEdges([1, 2], 0)).toThrow(/bins is 0/);
    expect(() => quantileEdges([1, 2], 2.5)).toThrow(/integer >= 1/);
  });
});
