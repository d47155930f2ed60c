// Exact realised performance from raw (actual, predicted, score) rows, written plainly for the
// tests: every pair for AUC (the Mann-Whitney statistic, ties counted half — scikit-learn's
// roc_auc_score), per-class counts for precision/recall/F1, and two-pass sums for regression.

export function exactAuc(scores: readonly number[], positive: readonly boolean[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positive[j]) continue;
      pairs++;
      if (scores[i] > scores[j]) wins++;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

/** Precision, recall and F1 of class c (NaN where undefined). */
export function classScores(actual: readonly number[], predicted: readonly number[], c: number): { precision: number; recall: number; f1: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < actual.length; i++) {
    if (predicted[i] === c && actual[i] === c) tp++;
    else if (predicted[i] === c) fp++;
    else if (actual[i] === c) fn++;
  }
  return {
    precision: tp + fp > 0 ? tp / (tp + fp) : NaN,
    recall: tp + fn > 0 ? tp / (tp + fn) : NaN,
    f1: 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : NaN,
  };
}

export function accuracy(actual: readonly number[], predicted: readonly number[]): number {
  let correct = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) correct++;
  return correct / actual.length;
}

/** MAE, RMSE and R² = 1 − Σe²/Σ(y − ȳ)², two passes. */
export function exactRegression(y: readonly number[], prediction: readonly number[]): { mae: number; rmse: number; r2: number } {
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  let abs = 0;
  let sq = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = prediction[i] - y[i];
    abs += Math.abs(e);
    sq += e * e;
    total += (y[i] - mean) ** 2;
  }
  return { mae: abs / n, rmse: Math.sqrt(sq / n), r2: 1 - sq / total };
}
