// A label-free estimate of a regression's error: the reference's residuals, averaged per bin of
// the prediction, say how large the error is where the model predicts a value. Over a window the
// expected |e| and e² of its predictions' bins estimate its MAE and RMSE — exact in expectation
// when the error depends on the inputs only through the prediction and that relation is the
// reference's (a shift of the predictions' distribution is seen, a change of the error at a
// given prediction is not).

/** Pseudo-rows of the whole reference's mean given to every bin: a sparse bin leans on the global mean. */
export const ERROR_MAP_PRIOR_ROWS = 20;

/**
 * Per bin, the mean of `sums` over `rows` shrunk toward the global mean: (sum_b + k·m) / (n_b + k),
 * m = Σ sums / Σ rows. An empty bin gets m; with no rows at all, every bin is NaN.
 */
export function shrunkBinMeans(rows: ArrayLike<number>, sums: ArrayLike<number>, priorRows: number): Float64Array {
  let totalRows = 0;
  let total = 0;
  for (let b = 0; b < rows.length; b++) {
    totalRows += rows[b];
    total += sums[b];
  }
  const globalMean = totalRows > 0 ? total / totalRows : Number.NaN;
  const out = new Float64Array(rows.length);
  for (let b = 0; b < rows.length; b++) out[b] = (sums[b] + priorRows * globalMean) / (rows[b] + priorRows);
  return out;
}

export interface ExpectedError {
  mae: number;
  rmse: number;
}

/** MAE and RMSE estimated from n predictions whose expected |e| sum to `absolute` and e² to `squared` (NaN at n = 0). */
export function expectedError(n: number, absolute: number, squared: number): ExpectedError {
  if (!(n > 0)) return { mae: Number.NaN, rmse: Number.NaN };
  return { mae: absolute / n, rmse: Math.sqrt(squared / n) };
}
