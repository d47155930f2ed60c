// Where each realised-performance counter lives in a cell's performance array: the confusion
// matrix (actual × predicted, the predicted classes with __other__), the (score bin, actual)
// counts of a scored binary model on the reference's coarse prediction bins, and a
// regression's sums. Fixed at start-up from the config and the reference; the one place that
// computes these offsets.
import type { ModelLayout } from '../layout.js';

export const REGRESSION_COUNT = 0;
export const REGRESSION_ABS_ERROR = 1;
export const REGRESSION_SQUARED_ERROR = 2;
/** Σ|y| of the positive labels and of the negative ones: two counters that never decrease. */
export const REGRESSION_LABEL_POSITIVE = 3;
export const REGRESSION_LABEL_NEGATIVE = 4;
export const REGRESSION_LABEL_SQUARED = 5;
const REGRESSION_SUMS = 6;

export interface PerformanceLayout {
  task: 'classification' | 'regression';
  /** Actual classes (the configured ones); 0 for regression. */
  classes: number;
  /** Predicted columns: the classes, then __other__. */
  predicted: number;
  /** The positive class of a binary model (index 1), -1 for multiclass (macro averages). */
  positive: number;
  /** Coarse score bins (upper bounds, the last +Inf), or empty when not a scored binary model. */
  scoreUpper: Float64Array;
  scoreBinsAt: number;
  regressionAt: number;
  width: number;
}

export function buildPerformanceLayout(layout: ModelLayout): PerformanceLayout {
  const model = layout.model;
  if (model.task === 'regression') {
    return { task: 'regression', classes: 0, predicted: 0, positive: -1, scoreUpper: new Float64Array(0), scoreBinsAt: 0, regressionAt: 0, width: REGRESSION_SUMS };
  }
  const classes = model.classes.length;
  const predicted = classes + 1;
  const slot = layout.prediction;
  const binary = model.task === 'binary_classification';
  const scoreUpper = binary && slot.kind === 'numeric' ? Float64Array.of(...slot.coarseEdges, Infinity) : new Float64Array(0);
  const scoreBinsAt = classes * predicted;
  return {
    task: 'classification',
    classes,
    predicted,
    positive: binary ? 1 : -1,
    scoreUpper,
    scoreBinsAt,
    regressionAt: scoreBinsAt + scoreUpper.length * 2,
    width: scoreBinsAt + scoreUpper.length * 2,
  };
}

export function confusionIndex(p: PerformanceLayout, actual: number, predicted: number): number {
  return actual * p.predicted + predicted;
}

/** The coarse bin of a score: (upper[b-1], upper[b]], as the exported histogram's buckets. */
export function scoreBinOf(p: PerformanceLayout, score: number): number {
  const upper = p.scoreUpper;
  let lo = 0;
  let hi = upper.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (upper[mid] < score) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function scoreBinIndex(p: PerformanceLayout, bin: number, actual: number): number {
  return p.scoreBinsAt + bin * 2 + actual;
}

export function regressionIndex(p: PerformanceLayout, sum: number): number {
  return p.regressionAt + sum;
}
