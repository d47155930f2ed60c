// The stored noise level at the window's n (the conservative of the two grid levels around it), the
// grid, the decision's comparisons, and the crossing config check reports.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDrift, noiseCrossing, noiseLevelAt } from '../../src/stats/noise-level.js';

fc.configureGlobal({ seed: 20_261_205 });

const WINDOWS = [30, 71, 170, 405, 965, 2300];

describe('noiseLevelAt', () => {
  it('at a grid size, that size\'s level; between two, the more conservative of theirs', () => {
    const falling = WINDOWS.map((n) => 3 / Math.sqrt(n));
    WINDOWS.forEach((n, i) => expect(noiseLevelAt(WINDOWS, falling, n, false)).toBe(falling[i]));
    expect(noiseLevelAt(WINDOWS, falling, 100, false)).toBe(falling[1]);
    expect(noiseLevelAt(WINDOWS, falling, 404, false)).toBe(falling[2]);
    // A p-value's level (low drift): the smaller of the two, whichever way it moves.
    const wavy = [0.0011, 0.0009, 0.001, 0.00095, 0.0012, 0.001];
    expect(noiseLevelAt(WINDOWS, wavy, 100, true)).toBe(0.0009);
    expect(noiseLevelAt(WINDOWS, wavy, 200, true)).toBe(0.00095);
    expect(noiseLevelAt(WINDOWS, wavy, 1000, true)).toBe(0.001);
  });

  it('never on the side of more drift for a level monotone between grid sizes, whatever its shape', () => {
    // A level with a cliff between grid sizes (a rare event ceasing to set the 99.9% tail):
    // a (log n, log level) chord would pass under it.
    const level = (n: number): number => (n < 120 ? 0.4 - n / 1000 : 0.13 * Math.sqrt(170 / n));
    const levels = WINDOWS.map(level);
    fc.assert(
      fc.property(fc.double({ min: 30, max: 2300, noNaN: true }), (n) => {
        expect(noiseLevelAt(WINDOWS, levels, n, false)).toBeGreaterThanOrEqual(level(n));
      }),
    );
  });

  it('below the grid: nothing can be drift (Infinity for distances, 0 for a p-value)', () => {
    const levels = WINDOWS.map((n) => 1 / n);
    expect(noiseLevelAt(WINDOWS, levels, 29, false)).toBe(Infinity);
    expect(noiseLevelAt(WINDOWS, levels, 1, true)).toBe(0);
  });

  it('above the grid: the last level for distances (levels fall with n), the extrapolation for a falling p-value level', () => {
    const falling = WINDOWS.map((n) => 1 / n);
    expect(noiseLevelAt(WINDOWS, falling, 1e7, false)).toBe(falling[falling.length - 1]);
    // A p-value level falling with n (the reference's own noise) is extrapolated downwards...
    expect(noiseLevelAt(WINDOWS, falling, 2300 * 4, true)).toBeCloseTo(1 / (2300 * 4), 12);
    // ...and one rising is held at the last level (never towards more drift).
    const rising = WINDOWS.map((n) => 1e-3 * (1 - 1 / n));
    expect(noiseLevelAt(WINDOWS, rising, 1e7, true)).toBe(rising[rising.length - 1]);
  });

  it('a constant feature (levels 0) stays at 0', () => {
    expect(noiseLevelAt([10, 100], [0, 0], 50, false)).toBe(0);
  });
});

describe('isDrift: threshold and noise, >= for distances and <= for the p-value', () => {
  it('a score equal to its threshold or its noise level is drift', () => {
    expect(isDrift('jensen_shannon', 0.1, 0.1, 0.05)).toBe(true);
    expect(isDrift('jensen_shannon', 0.2, 0.1, 0.2)).toBe(true);
    expect(isDrift('jensen_shannon', 0.15, 0.1, 0.2)).toBe(false);
    expect(isDrift('jensen_shannon', 0.099, 0.1, 0.01)).toBe(false);
    expect(isDrift('chi2_pvalue', 0.01, 0.01, 0.02)).toBe(true);
    expect(isDrift('chi2_pvalue', 0.001, 0.01, 0.001)).toBe(true);
    expect(isDrift('chi2_pvalue', 0.005, 0.01, 0.001)).toBe(false);
  });

  it('without a noise level (NaN: an old reference) the threshold alone decides; a NaN score never is drift', () => {
    expect(isDrift('psi', 0.2, 0.2, NaN)).toBe(true);
    expect(isDrift('chi2_pvalue', 0.001, 0.01, NaN)).toBe(true);
    expect(isDrift('psi', NaN, 0.2, NaN)).toBe(false);
    expect(isDrift('chi2_pvalue', NaN, 0.01, 0.5)).toBe(false);
  });

  it('below the grid nothing is drift', () => {
    expect(isDrift('ks', 1, 0.1, Infinity)).toBe(false);
    expect(isDrift('chi2_pvalue', 1e-300, 0.01, 0)).toBe(false);
  });
});

describe('noiseCrossing', () => {
  it('is the first grid size from which the level is at or below the threshold', () => {
    const levels = WINDOWS.map((n) => 2 / Math.sqrt(n)); // 2 / sqrt(n) = 0.1 at n = 400
    // Between 170 and 405 the level is 170's (above 0.1): the first size at or below it is 405.
    expect(noiseCrossing(WINDOWS, levels, 0.1, false)).toBe(405);
  });

  it('is the first size when the level is never above, null when it stays above', () => {
    expect(noiseCrossing(WINDOWS, WINDOWS.map(() => 0.01), 0.1, false)).toBe(30);
    expect(noiseCrossing(WINDOWS, WINDOWS.map(() => 0.5), 0.1, false)).toBeNull();
  });

  it('agrees with noiseLevelAt: at the crossing the level is at the threshold, just before it above', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.3, max: 3, noNaN: true }), fc.double({ min: 0.02, max: 0.2, noNaN: true }), (scale, threshold) => {
        const levels = WINDOWS.map((n) => scale / Math.sqrt(n));
        const n = noiseCrossing(WINDOWS, levels, threshold, false);
        if (n === null || n === 30) return;
        expect(noiseLevelAt(WINDOWS, levels, n, false)).toBeLessThanOrEqual(threshold * (1 + 1e-9));
        expect(noiseLevelAt(WINDOWS, levels, n - 1, false)).toBeGreaterThan(threshold * (1 - 1e-9));
      }),
    );
  });
});
