// Isotonic regression by PAV against an independent exact oracle: the min-max formula
// f[i] = max_{j<=i} min_{k>=i} wmean(y[j..k]) (Barlow et al. 1972), which gives the unique
// weighted least-squares non-decreasing fit without pooling anything. Tolerance: 1e-12
// relative (both are sums of the same terms in a different order).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isotonicFit } from '../../src/stats/isotonic.js';

function minMaxOracle(y: readonly number[], w: readonly number[]): number[] {
  const n = y.length;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let j = 0; j <= i; j++) {
      let worst = Infinity;
      for (let k = i; k < n; k++) {
        let sw = 0;
        let swy = 0;
        for (let t = j; t <= k; t++) {
          sw += w[t];
          swy += w[t] * y[t];
        }
        worst = Math.min(worst, swy / sw);
      }
      best = Math.max(best, worst);
    }
    out.push(best);
  }
  return out;
}

/** Rows (score, target) grouped by score: tied scores become one group with their weighted mean. */
function groupByScore(rows: readonly { score: number; y: number; w: number }[]): { y: number[]; w: number[]; scores: number[] } {
  const byScore = new Map<number, { sw: number; swy: number }>();
  for (const row of rows) {
    const group = byScore.get(row.score) ?? { sw: 0, swy: 0 };
    group.sw += row.w;
    group.swy += row.w * row.y;
    byScore.set(row.score, group);
  }
  const scores = [...byScore.keys()].sort((a, b) => a - b);
  return { scores, y: scores.map((s) => byScore.get(s)!.swy / byScore.get(s)!.sw), w: scores.map((s) => byScore.get(s)!.sw) };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

describe('isotonicFit', () => {
  it('equals the min-max oracle for random weighted data (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ y: fc.double({ min: -1e3, max: 1e3, noNaN: true }), w: fc.double({ min: 1e-3, max: 1e3, noNaN: true }) }), { minLength: 1, maxLength: 40 }),
        (points) => {
          const y = points.map((p) => p.y);
          const w = points.map((p) => p.w);
          const fitted = isotonicFit(y, w);
          const oracle = minMaxOracle(y, w);
          for (let i = 0; i < y.length; i++) expect(close(fitted[i], oracle[i])).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('tie-heavy 0/1 labels on few distinct scores: one value per score, equal to the oracle on the pooled ties (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ score: fc.integer({ min: 0, max: 5 }), y: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 200 }),
        (raw) => {
          const rows = raw.map((r) => ({ score: r.score / 5, y: r.y, w: 1 }));
          const { y, w } = groupByScore(rows);
          const fitted = isotonicFit(y, w);
          const oracle = minMaxOracle(y, w);
          for (let i = 0; i < y.length; i++) expect(close(fitted[i], oracle[i])).toBe(true);
          for (let i = 1; i < y.length; i++) expect(fitted[i]).toBeGreaterThanOrEqual(fitted[i - 1]);
          // PAV preserves the weighted sum of the targets (each block keeps its mean).
          const sum = (v: ArrayLike<number>): number => Array.from(v).reduce((s, x, i) => s + x * w[i], 0);
          expect(close(sum(fitted), sum(y))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fits exactly known cases', () => {
    expect(Array.from(isotonicFit([1, 3, 2, 4], [1, 1, 1, 1]))).toEqual([1, 2.5, 2.5, 4]);
    expect(Array.from(isotonicFit([3, 2, 1], [1, 1, 1]))).toEqual([2, 2, 2]);
    expect(Array.from(isotonicFit([1, 0], [3, 1]))).toEqual([0.75, 0.75]);
    expect(Array.from(isotonicFit([], []))).toEqual([]);
  });

  it('refuses weights that are not positive and finite', () => {
    expect(() => isotonicFit([1, 2], [1, 0])).toThrow(/positive/);
    expect(() => isotonicFit([1], [Infinity])).toThrow(/positive/);
    expect(() => isotonicFit([1, 2], [1])).toThrow(/weights/);
  });
});
