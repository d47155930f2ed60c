// Confidence-based performance estimation (CBPE) of a binary classifier, from calibrated
// probabilities p̂ = P(positive | score): each prediction is a fractional confusion outcome.
// A predicted positive contributes p̂ to the expected TP and 1 − p̂ to FP; a predicted negative
// p̂ to FN and 1 − p̂ to TN. Metrics of the expected counts estimate the realised metrics, and
// are exact in expectation when p̂ is the true probability (no concept drift).
import { accuracy, binnedRocAuc, f1, precision, recall, type Confusion } from './performance.js';

/** Classifiers' estimated metrics, then a regression's (stats/error-map.ts); each estimator sets the others NaN. */
export const ESTIMATED_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'mae', 'rmse'] as const;
export type EstimatedMetric = (typeof ESTIMATED_METRICS)[number];

/** Estimated accuracy, precision, recall, F1 of expected counts (NaN where undefined). */
export function estimatedConfusionMetrics(expected: Confusion): Record<'accuracy' | 'precision' | 'recall' | 'f1', number> {
  return { accuracy: accuracy(expected), precision: precision(expected), recall: recall(expected), f1: f1(expected) };
}

/**
 * Estimated ROC AUC from the predictions per score bin: bin b holds `counts[b]` predictions whose
 * p̂ sum to `expectedPositives[b]`; its expected positives and negatives are that sum and the rest,
 * and the AUC is the binned Mann-Whitney of those (ties within a bin count half).
 */
export function estimatedRocAuc(counts: ArrayLike<number>, expectedPositives: ArrayLike<number>, scratch: Float64Array): number {
  const bins = counts.length;
  const negatives = scratch.subarray(0, bins);
  for (let b = 0; b < bins; b++) negatives[b] = counts[b] - expectedPositives[b];
  return binnedRocAuc(expectedPositives, negatives);
}

/**
 * The sampling-error band of an estimate over n predictions: ± 3 SE, with SE = σ_c · √(c / n),
 * σ_c the metric's standard deviation over reference chunks of c labelled rows (a metric's
 * sampling error shrinks as 1/√n). NaN without a spread.
 */
export function samplingBand(std: number, chunkRows: number, n: number): number {
  if (!(std >= 0) || !(chunkRows > 0) || !(n > 0)) return Number.NaN;
  return 3 * std * Math.sqrt(chunkRows / n);
}
