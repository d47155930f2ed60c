// Performance metrics from sufficient statistics (confusion counts, per-bin class counts,
// error sums), so the reference build, chunks of it and Prometheus all use one definition.
// A metric that is undefined on its data (no predicted positives for precision, one class only
// for ROC AUC, constant labels for R²) is NaN.

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export function accuracy(c: Confusion): number {
  const n = c.tp + c.fp + c.fn + c.tn;
  return n > 0 ? (c.tp + c.tn) / n : Number.NaN;
}

export function precision(c: Confusion): number {
  return c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : Number.NaN;
}

export function recall(c: Confusion): number {
  return c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : Number.NaN;
}

/** F1 = 2TP / (2TP + FP + FN), defined whenever there is a positive (actual or predicted). */
export function f1(c: Confusion): number {
  const denominator = 2 * c.tp + c.fp + c.fn;
  return denominator > 0 ? (2 * c.tp) / denominator : Number.NaN;
}

/**
 * ROC AUC from the positives and negatives per score bin, bins in increasing score order:
 * P(score of a positive > score of a negative) + ½ P(same bin), i.e. the Mann-Whitney U over
 * bins, scores within one bin counted as tied. Counts may be fractional (expected counts).
 */
export function binnedRocAuc(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  let negativesBelow = 0;
  let wins = 0;
  let totalPositives = 0;
  for (let b = 0; b < positives.length; b++) {
    wins += positives[b] * (negativesBelow + negatives[b] / 2);
    negativesBelow += negatives[b];
    totalPositives += positives[b];
  }
  const pairs = totalPositives * negativesBelow;
  return pairs > 0 ? wins / pairs : Number.NaN;
}

/** Sums over regression rows: error e = prediction − actual. */
export interface RegressionSums {
  n: number;
  absoluteError: number;
  squaredError: number;
  actual: number;
  actualSquared: number;
}

export function emptyRegressionSums(): RegressionSums {
  return { n: 0, absoluteError: 0, squaredError: 0, actual: 0, actualSquared: 0 };
}

export function mae(s: RegressionSums): number {
  return s.n > 0 ? s.absoluteError / s.n : Number.NaN;
}

export function rmse(s: RegressionSums): number {
  return s.n > 0 ? Math.sqrt(s.squaredError / s.n) : Number.NaN;
}

/** R² = 1 − SSE / SST, SST = Σ (y − ȳ)²; NaN when the actuals are constant. */
export function r2(s: RegressionSums): number {
  if (s.n === 0) return Number.NaN;
  const total = s.actualSquared - (s.actual * s.actual) / s.n;
  return total > 0 ? 1 - s.squaredError / total : Number.NaN;
}

/** numpy's default (linear) quantile of sorted values; NaN for none. */
export function sortedQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
}

/** Sample standard deviation (ddof = 1); NaN below two values. */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}
