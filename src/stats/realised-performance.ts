// Realised performance from counts: a confusion matrix, ROC AUC from (score bin, actual class)
// counts, and regression errors from running sums. Pure functions over plain arrays, the same
// formulas the recording rules use in PromQL.

/**
 * Accuracy, precision, recall and F1 from a confusion matrix `counts[actual * width + predicted]`
 * over `classes` actual classes (predicted may have extra columns, e.g. __other__, counted as
 * wrong). `positive` ≥ 0: the scores of that class (binary); -1: the macro average over the
 * classes with a defined value. NaN where a ratio has no denominator.
 */
export interface ClassificationScores {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  total: number;
}

export function classificationScores(counts: ArrayLike<number>, classes: number, width: number, positive: number): ClassificationScores {
  let total = 0;
  let correct = 0;
  for (let a = 0; a < classes; a++) {
    for (let p = 0; p < width; p++) total += counts[a * width + p];
    correct += counts[a * width + a];
  }
  const accuracy = total > 0 ? correct / total : NaN;
  if (positive >= 0) {
    const { precision, recall, f1 } = classScores(counts, classes, width, positive);
    return { accuracy, precision, recall, f1, total };
  }
  let precisionSum = 0;
  let precisionN = 0;
  let recallSum = 0;
  let recallN = 0;
  let f1Sum = 0;
  let f1N = 0;
  for (let c = 0; c < classes; c++) {
    const s = classScores(counts, classes, width, c);
    if (!Number.isNaN(s.precision)) (precisionSum += s.precision), precisionN++;
    if (!Number.isNaN(s.recall)) (recallSum += s.recall), recallN++;
    if (!Number.isNaN(s.f1)) (f1Sum += s.f1), f1N++;
  }
  return {
    accuracy,
    precision: precisionN > 0 ? precisionSum / precisionN : NaN,
    recall: recallN > 0 ? recallSum / recallN : NaN,
    f1: f1N > 0 ? f1Sum / f1N : NaN,
    total,
  };
}

/** One class against the rest: precision (NaN when never predicted), recall (NaN when never actual), F1. */
function classScores(counts: ArrayLike<number>, classes: number, width: number, c: number): { precision: number; recall: number; f1: number } {
  const tp = counts[c * width + c];
  let predicted = 0;
  for (let a = 0; a < classes; a++) predicted += counts[a * width + c];
  let actual = 0;
  for (let p = 0; p < width; p++) actual += counts[c * width + p];
  const precision = predicted > 0 ? tp / predicted : NaN;
  const recall = actual > 0 ? tp / actual : NaN;
  // F1 = 2TP / (2TP + FP + FN): defined whenever the class was predicted or actual.
  const f1 = predicted + actual > 0 ? (2 * tp) / (predicted + actual) : NaN;
  return { precision, recall, f1 };
}

/**
 * ROC AUC from per-bin counts of negatives and positives (bins in increasing score order):
 * the probability that a positive scores higher than a negative, ties within a bin counted
 * half — the Mann-Whitney AUC of the scores replaced by their bins. NaN without both classes.
 */
export function binnedRocAuc(negatives: ArrayLike<number>, positives: ArrayLike<number>): number {
  let negativesBelow = 0;
  let wins = 0;
  let totalPositives = 0;
  for (let b = 0; b < negatives.length; b++) {
    wins += positives[b] * (negativesBelow + negatives[b] / 2);
    negativesBelow += negatives[b];
    totalPositives += positives[b];
  }
  const pairs = totalPositives * negativesBelow;
  return pairs > 0 ? wins / pairs : NaN;
}

/** Running sums of a regression's labels y and errors e = prediction − y. */
export interface RegressionSums {
  count: number;
  absError: number;
  squaredError: number;
  labelSum: number;
  labelSquaredSum: number;
}

export interface RegressionScores {
  mae: number;
  rmse: number;
  /** 1 − SSE/SST with SST = Σy² − (Σy)²/n; NaN when the labels do not vary. */
  r2: number;
}

export function regressionScores(s: RegressionSums): RegressionScores {
  if (s.count <= 0) return { mae: NaN, rmse: NaN, r2: NaN };
  const total = s.labelSquaredSum - (s.labelSum * s.labelSum) / s.count;
  return {
    mae: s.absError / s.count,
    rmse: Math.sqrt(s.squaredError / s.count),
    r2: total > 0 ? 1 - s.squaredError / total : NaN,
  };
}
