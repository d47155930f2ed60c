// One-vs-rest expected counts of a multiclass CBPE (src/stats/cbpe-multiclass.ts), as
// properties over random events: each class's four counts add up to n, Σ_k (TP_k + FP_k) and
// Σ_k (TP_k + FN_k) are n too, Σ_k TP_k is the expected number correct, and every estimate is
// in [0, 1]; against a direct computation of the metrics from the rows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MC_FN, MC_FP, MC_TN, MC_TP, MULTICLASS_OUTCOMES, addOneVsRest, estimatedMulticlassMetrics, normaliseInPlace } from '../../src/stats/cbpe-multiclass.js';

const events = fc.integer({ min: 2, max: 6 }).chain((classes) =>
  fc.tuple(
    fc.constant(classes),
    fc.array(
      fc.tuple(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: classes, maxLength: classes }), fc.nat({ max: classes - 1 })),
      { minLength: 1, maxLength: 200 },
    ),
  ),
);

describe('multiclass CBPE counts', () => {
  it('per class, the four counts add up to n; Σ (TP + FP) = Σ (TP + FN) = n; estimates in [0, 1] and equal to a direct computation', () => {
    fc.assert(
      fc.property(events, ([classes, rows]) => {
        const counts = new Float64Array(2 + classes * MULTICLASS_OUTCOMES); // an offset of 2, as in a window array
        const p = new Float64Array(classes);
        let n = 0;
        let correct = 0;
        for (const [scores, predicted] of rows) {
          p.set(scores);
          if (!normaliseInPlace(p)) continue;
          expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
          addOneVsRest(counts, 2, p, predicted);
          n++;
          correct += p[predicted];
        }
        const at = (k: number, outcome: number) => counts[2 + k * MULTICLASS_OUTCOMES + outcome];
        let predictedTotal = 0;
        let actualTotal = 0;
        for (let k = 0; k < classes; k++) {
          expect(at(k, MC_TP) + at(k, MC_FP) + at(k, MC_FN) + at(k, MC_TN)).toBeCloseTo(n, 9);
          predictedTotal += at(k, MC_TP) + at(k, MC_FP);
          actualTotal += at(k, MC_TP) + at(k, MC_FN);
        }
        expect(predictedTotal).toBeCloseTo(n, 9);
        expect(actualTotal).toBeCloseTo(n, 9);
        const estimate = estimatedMulticlassMetrics(counts, 2, classes);
        expect(estimate.n).toBeCloseTo(n, 9);
        if (n === 0) {
          expect(Number.isNaN(estimate.accuracy)).toBe(true);
          return;
        }
        expect(estimate.accuracy).toBeCloseTo(correct / n, 9);
        for (const metric of ['accuracy', 'precision', 'recall', 'f1'] as const) {
          const v = estimate[metric];
          if (Number.isNaN(v)) continue; // undefined for every class (e.g. no probability mass at all)
          expect(v).toBeGreaterThanOrEqual(-1e-12);
          expect(v).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('macro means skip the classes where a metric is undefined, as the realised metrics do', () => {
    // Class 2 is never predicted (no TP + FP: precision undefined) and has no probability (recall undefined).
    const counts = new Float64Array(3 * MULTICLASS_OUTCOMES);
    addOneVsRest(counts, 0, [0.8, 0.2, 0], 0);
    addOneVsRest(counts, 0, [0.3, 0.7, 0], 1);
    const e = estimatedMulticlassMetrics(counts, 0, 3);
    expect(e.accuracy).toBeCloseTo((0.8 + 0.7) / 2, 12);
    expect(e.precision).toBeCloseTo((0.8 + 0.7) / 2, 12);
    expect(e.recall).toBeCloseTo((0.8 / 1.1 + 0.7 / 0.9) / 2, 12);
    expect(e.f1).toBeCloseTo(((2 * 0.8) / (1.6 + 0.2 + 0.3) + (2 * 0.7) / (1.4 + 0.3 + 0.2)) / 2, 12);
  });

  it('normalising refuses a zero or non-finite sum', () => {
    expect(normaliseInPlace(new Float64Array([0, 0, 0]))).toBe(false);
    expect(normaliseInPlace(new Float64Array([Infinity, 1]))).toBe(false);
  });
});
