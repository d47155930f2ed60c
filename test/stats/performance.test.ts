// Metrics from sufficient statistics against per-row oracles.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binnedRocAuc, r2, sortedQuantile } from '../../src/stats/performance.js';

/** Mann-Whitney over all (positive, negative) pairs, ties counted half. */
function pairAuc(pos: readonly number[], neg: readonly number[]): number {
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

describe('binnedRocAuc', () => {
  it('equals the pairwise AUC with ties when each bin is one score (property, tie-heavy; 1e-12)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.boolean()), { minLength: 2, maxLength: 200 }), (rows) => {
        const pos = rows.filter((r) => r[1]).map((r) => r[0]);
        const neg = rows.filter((r) => !r[1]).map((r) => r[0]);
        const p = new Float64Array(10);
        const n = new Float64Array(10);
        for (const [bin, positive] of rows) (positive ? p : n)[bin]++;
        const auc = binnedRocAuc(p, n);
        if (pos.length === 0 || neg.length === 0) expect(auc).toBeNaN();
        else expect(auc).toBeCloseTo(pairAuc(pos, neg), 12);
      }),
      { numRuns: 300 },
    );
  });

  it('with fractional (expected) counts equals the expected pairwise AUC ratio Σ_{i>j} p_i q_j + ½ Σ_i p_i q_i over Σ p Σ q', () => {
    const p = [0.2, 1.5, 3.25];
    const q = [2.5, 0.75, 0.1];
    const expected = (1.5 * 2.5 + 3.25 * (2.5 + 0.75) + 0.5 * (0.2 * 2.5 + 1.5 * 0.75 + 3.25 * 0.1)) / (4.95 * 3.35);
    expect(binnedRocAuc(p, q)).toBeCloseTo(expected, 14);
  });
});

describe('r2 and quantiles', () => {
  it('R² from sums equals 1 − SSE/SST on rows; NaN for constant actuals', () => {
    const y = [1, 2, 4, 7];
    const yhat = [1.5, 2, 3, 8];
    const mean = 3.5;
    const expected = 1 - y.reduce((s, v, i) => s + (yhat[i] - v) ** 2, 0) / y.reduce((s, v) => s + (v - mean) ** 2, 0);
    const sums = { n: 4, absoluteError: 0, squaredError: 0.25 + 0 + 1 + 1, actual: 14, actualSquared: 1 + 4 + 16 + 49 };
    expect(r2(sums)).toBeCloseTo(expected, 14);
    expect(r2({ n: 2, absoluteError: 0, squaredError: 1, actual: 2, actualSquared: 2 })).toBeNaN();
  });

  it('sortedQuantile is numpy linear: quantile([1,2,3,4], 0.05) = 1.15, 0.95 → 3.85', () => {
    expect(sortedQuantile([1, 2, 3, 4], 0.05)).toBeCloseTo(1.15, 14);
    expect(sortedQuantile([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 14);
    expect(sortedQuantile([5], 0.5)).toBe(5);
  });
});
