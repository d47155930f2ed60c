// CBPE of a multiclass classifier, one-vs-rest (as NannyML): per class k a calibrated
// p̂_k = P(y = k | scores), the vector normalised to sum to 1. An event predicted as ĉ adds,
// for each class k, p̂_k to TP_k and 1 − p̂_k to FP_k when k = ĉ, else p̂_k to FN_k and
// 1 − p̂_k to TN_k. Then Σ_k TP_k is the expected number of correct predictions and, for every
// k, TP_k + FP_k + FN_k + TN_k = n; also n = Σ_k (TP_k + FP_k) (each event is predicted once).
import { f1, precision, recall, type Confusion } from './performance.js';

/** Per class, the four expected counts in this order, MULTICLASS_OUTCOMES wide. */
export const MC_TP = 0;
export const MC_FP = 1;
export const MC_FN = 2;
export const MC_TN = 3;
export const MULTICLASS_OUTCOMES = 4;

/** Divides `p` by its sum in place; false (p untouched) when the sum is not positive and finite. */
export function normaliseInPlace(p: Float64Array): boolean {
  let sum = 0;
  for (let k = 0; k < p.length; k++) sum += p[k];
  if (!(sum > 0) || sum === Infinity) return false;
  for (let k = 0; k < p.length; k++) p[k] /= sum;
  return true;
}

/** Adds one event's normalised probabilities `p`, predicted class `predicted`, to per-class counts at `at`. */
export function addOneVsRest(counts: Float64Array, at: number, p: ArrayLike<number>, predicted: number): void {
  for (let k = 0, base = at; k < p.length; k++, base += MULTICLASS_OUTCOMES) {
    const q = p[k];
    if (k === predicted) {
      counts[base + MC_TP] += q;
      counts[base + MC_FP] += 1 - q;
    } else {
      counts[base + MC_FN] += q;
      counts[base + MC_TN] += 1 - q;
    }
  }
}

export interface MulticlassEstimate {
  /** Σ_k (TP_k + FP_k): the predictions counted. */
  n: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Accuracy Σ TP_k / n and the macro means of one-vs-rest precision, recall, F1 over the classes
 * where each is defined (as the realised multiclass metrics), from `classes` blocks of counts at `at`.
 */
export function estimatedMulticlassMetrics(counts: ArrayLike<number>, at: number, classes: number): MulticlassEstimate {
  let n = 0;
  let correct = 0;
  const sums = { precision: 0, recall: 0, f1: 0 };
  const defined = { precision: 0, recall: 0, f1: 0 };
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let k = 0, base = at; k < classes; k++, base += MULTICLASS_OUTCOMES) {
    c.tp = counts[base + MC_TP];
    c.fp = counts[base + MC_FP];
    c.fn = counts[base + MC_FN];
    c.tn = counts[base + MC_TN];
    n += c.tp + c.fp;
    correct += c.tp;
    const values = { precision: precision(c), recall: recall(c), f1: f1(c) };
    for (const metric of ['precision', 'recall', 'f1'] as const) {
      if (!Number.isFinite(values[metric])) continue;
      sums[metric] += values[metric];
      defined[metric]++;
    }
  }
  const mean = (metric: 'precision' | 'recall' | 'f1'): number => (defined[metric] > 0 ? sums[metric] / defined[metric] : Number.NaN);
  return { n, accuracy: n > 0 ? correct / n : Number.NaN, precision: mean('precision'), recall: mean('recall'), f1: mean('f1') };
}
