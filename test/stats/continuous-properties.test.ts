// Properties of KS and W1 from bins (fast-check), each against the exact raw-sample value.
//
// W1 from bins (src/stats/continuous.ts) is exact in every bin where the counts rule out a sign
// change of F_ref - F_win, and within U - |I| elsewhere (w1ErrorBound in helpers.ts, itself at
// most Σ width·(r_i + w_i)): proven below on random samples with ties, with and without atoms.
// It is also exact on discrete data: with every reference value an atom, a window whose values
// are atoms or sit at one point per gap between atoms gets the exact W1. It is not symmetric in
// general (a bin the reference never saw takes the window's values at their mean), so swapping
// the sides is only held to the same bound.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgeBelowMinimum, withAtomEdges } from '../../src/reference/edges.js';
import { binCounts, fineEdges, ksExact, wassersteinExact } from '../../src/stats/exact.js';
import { ksFromBins, wassersteinFromBins } from '../../src/stats/continuous.js';
import { sideByScan, sortedCopy, w1ErrorBound } from './helpers.js';

// A fixed seed: the same cases on every run (shrunk counterexamples stay reproducible).
fc.configureGlobal({ seed: 20_260_101 });

const options = { numRuns: 300 };
// Finite values with plenty of ties (integers) and fractional ones.
const value = fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ min: -1000, max: 1000, noNaN: true }));
const samplePair = fc.tuple(
  fc.array(value, { minLength: 1, maxLength: 400 }),
  fc.array(value, { minLength: 1, maxLength: 400 }),
  fc.integer({ min: 1, max: 60 }),
);

/** Σ over interior bins of width × (reference share + window share). */
function widthBound(edges: readonly number[], reference: { counts: ArrayLike<number> }, window: { counts: ArrayLike<number> }): number {
  const total = (c: ArrayLike<number>): number => Array.from(c).reduce((a, b) => a + b, 0);
  const r = total(reference.counts);
  const w = total(window.counts);
  let bound = 0;
  for (let i = 1; i < edges.length; i++) bound += (edges[i] - edges[i - 1]) * (reference.counts[i] / r + window.counts[i] / w);
  return bound;
}

describe('KS from bins: properties', () => {
  it('is in [0, 1] for any counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }).chain((n) =>
        fc.tuple(
          fc.array(fc.nat(500), { minLength: n + 1, maxLength: n + 1 }),
          fc.array(fc.nat(500), { minLength: n + 1, maxLength: n + 1 }),
        ).map(([a, b]) => ({ edges: Array.from({ length: n }, (_, i) => i), a, b }))),
      ({ edges, a, b }) => {
        const ks = ksFromBins(edges, a, b);
        if (a.every((c) => c === 0) || b.every((c) => c === 0)) {
          expect(ks).toBeNaN();
        } else {
          expect(ks).toBeGreaterThanOrEqual(0);
          expect(ks).toBeLessThanOrEqual(1);
        }
      }),
      options,
    );
  });

  it('never exceeds exact KS and falls short by at most the largest reference mass in one bin', () => {
    fc.assert(
      fc.property(samplePair, ([reference, window, bins]) => {
        const edges = fineEdges(sortedCopy(reference), bins);
        const referenceCounts = binCounts(reference, edges);
        const binned = ksFromBins(edges, referenceCounts, binCounts(window, edges));
        const exact = ksExact(reference, window);
        const maxMass = Math.max(...referenceCounts) / reference.length;
        expect(binned).toBeLessThanOrEqual(exact + 1e-12);
        expect(exact - binned).toBeLessThanOrEqual(maxMass + 1e-12);
      }),
      options,
    );
  });
});

describe('W1 from bins: properties', () => {
  /** Format 2 style edges: below the minimum, the quantile edges, and some reference values as atoms. */
  function atomEdgesFor(reference: readonly number[], bins: number, atomEvery: number): number[] {
    const sorted = sortedCopy(reference);
    const atoms = [...new Set(Array.from(sorted).filter((_, i) => i % atomEvery === 0))];
    return withAtomEdges([edgeBelowMinimum(sorted[0]), ...fineEdges(sorted, bins)], atoms);
  }

  const edgeKinds = fc.constantFrom('quantiles', 'with atoms');

  it('is within w1ErrorBound (<= Σ width × (r_i + w_i)) of exact W1 and >= 0, either way round', () => {
    fc.assert(
      fc.property(samplePair, edgeKinds, fc.integer({ min: 1, max: 20 }), ([referenceValues, windowValues, bins], kind, atomEvery) => {
        const edges = kind === 'quantiles' ? fineEdges(sortedCopy(referenceValues), bins) : atomEdgesFor(referenceValues, bins, atomEvery);
        const reference = sideByScan(referenceValues, edges);
        const window = sideByScan(windowValues, edges);
        const exact = wassersteinExact(referenceValues, windowValues);
        const rounding = 1e-9 * Math.max(1, exact);
        const bound = w1ErrorBound(edges, reference, window);
        expect(bound).toBeLessThanOrEqual(widthBound(edges, reference, window) + rounding);
        for (const binned of [wassersteinFromBins(edges, reference, window), wassersteinFromBins(edges, window, reference)]) {
          expect(binned).toBeGreaterThanOrEqual(0);
          expect(Math.abs(binned - exact)).toBeLessThanOrEqual(bound + rounding);
        }
      }),
      options,
    );
  });

  it('is 0 for the same binned values on both sides', () => {
    fc.assert(
      fc.property(samplePair, ([referenceValues, , bins]) => {
        const edges = fineEdges(sortedCopy(referenceValues), bins);
        const side = sideByScan(referenceValues, edges);
        expect(wassersteinFromBins(edges, side, side)).toBe(0);
      }),
      options,
    );
  });

  it('is exact on discrete data: every reference value an atom, the window on atoms or at one point per gap', () => {
    const scenario = fc
      .uniqueArray(fc.integer({ min: -40, max: 40 }), { minLength: 1, maxLength: 15 })
      .chain((support) =>
        fc.record({
          support: fc.constant(support.sort((a, b) => a - b)),
          referenceCounts: fc.array(fc.integer({ min: 1, max: 30 }), { minLength: support.length, maxLength: support.length }),
          // Window values: reference values, or one point strictly inside each chosen gap (and beyond either end).
          window: fc.array(fc.tuple(fc.integer({ min: -1, max: support.length - 1 }), fc.boolean(), fc.integer({ min: 1, max: 20 })), {
            minLength: 1,
            maxLength: 25,
          }),
          inside: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        }),
      );
    fc.assert(
      fc.property(scenario, ({ support, referenceCounts, window, inside }) => {
        const referenceValues = support.flatMap((v, i) => new Array<number>(referenceCounts[i]).fill(v));
        const pointIn = (gap: number): number => {
          if (gap < 0) return support[0] - 1 - inside; // below the minimum
          if (gap === support.length - 1) return support[gap] + 1 + inside; // above the maximum
          return support[gap] + inside * (support[gap + 1] - support[gap]);
        };
        const windowValues = window.flatMap(([gap, onAtom, count]) =>
          new Array<number>(count).fill(onAtom && gap >= 0 ? support[gap] : pointIn(gap)),
        );
        const edges = withAtomEdges([edgeBelowMinimum(support[0])], support);
        const binned = wassersteinFromBins(edges, sideByScan(referenceValues, edges), sideByScan(windowValues, edges));
        const exact = wassersteinExact(referenceValues, windowValues);
        expect(Math.abs(binned - exact)).toBeLessThanOrEqual(1e-9 * Math.max(1, exact));
        const ks = ksFromBins(edges, binCounts(referenceValues, edges), binCounts(windowValues, edges));
        expect(Math.abs(ks - ksExact(referenceValues, windowValues))).toBeLessThanOrEqual(1e-12);
      }),
      options,
    );
  });

  it('equals exact W1 for a window made of right shifts of the reference by whole bins (equal widths, midpoints)', () => {
    // A mixture of right shifts is stochastically larger, so F_ref - F_win >= 0 everywhere.
    const scenario = fc.record({
      start: fc.integer({ min: -1000, max: 1000 }),
      width: fc.integer({ min: 1, max: 50 }),
      reference: fc.array(fc.nat(30), { minLength: 1, maxLength: 30 }),
      shifts: fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 4 }),
    });
    /** Raw values at the midpoint of each interior bin, `counts[i - 1]` times for bin i. */
    const atMidpoints = (edges: readonly number[], counts: readonly number[]): number[] =>
      counts.flatMap((count, k) => new Array<number>(count).fill((edges[k] + edges[k + 1]) / 2));
    fc.assert(
      fc.property(scenario, ({ start, width, reference, shifts }) => {
        fc.pre(reference.some((c) => c > 0));
        const interiorBins = reference.length + 10;
        const edges = Array.from({ length: interiorBins + 1 }, (_, k) => start + k * width);
        const window = new Array<number>(interiorBins).fill(0);
        for (const [shift, copies] of shifts) reference.forEach((count, i) => (window[i + shift] += count * copies));
        const referenceValues = atMidpoints(edges, reference);
        const windowValues = atMidpoints(edges, window);
        const binned = wassersteinFromBins(edges, sideByScan(referenceValues, edges), sideByScan(windowValues, edges));
        const exact = wassersteinExact(referenceValues, windowValues);
        expect(Math.abs(binned - exact)).toBeLessThanOrEqual(1e-9 * Math.max(1, exact));
      }),
      options,
    );
  });
});
