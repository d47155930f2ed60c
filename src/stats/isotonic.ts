// Weighted isotonic (non-decreasing) regression by pool-adjacent-violators (PAV).
//
// Input: points already grouped by score, in increasing score order: for group i, the
// weight w[i] > 0 (how many rows share that score, or that bin) and the weighted mean of the
// target y[i] (e.g. the share of positives among them). Tied scores are one group, so they
// always get one fitted value (sklearn's `IsotonicRegression(ties='primary')` pools them the
// same way when it sorts). Output: the fitted value per group, minimising
// Σ w[i] (f[i] - y[i])² subject to f[0] <= f[1] <= ... ; it is unique.
// O(n) time; allocates its block stacks once per call (build time, not the hot path).

/** Fitted values per group; `weights` must be positive and finite, `targets` finite. */
export function isotonicFit(targets: ArrayLike<number>, weights: ArrayLike<number>): Float64Array {
  const n = targets.length;
  if (weights.length !== n) throw new RangeError(`isotonicFit: ${n} targets but ${weights.length} weights`);
  // A stack of blocks: each block's weighted mean, total weight and the first group it covers.
  const mean = new Float64Array(n);
  const weight = new Float64Array(n);
  const start = new Int32Array(n);
  let blocks = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w > 0) || !Number.isFinite(w)) throw new RangeError(`isotonicFit: weight ${i} is ${w}; weights must be positive and finite`);
    mean[blocks] = targets[i];
    weight[blocks] = w;
    start[blocks] = i;
    blocks++;
    // Pool while the last block's mean is below the one before it (a violation).
    while (blocks > 1 && mean[blocks - 2] > mean[blocks - 1]) {
      const a = blocks - 2;
      const b = blocks - 1;
      const total = weight[a] + weight[b];
      mean[a] = (mean[a] * weight[a] + mean[b] * weight[b]) / total;
      weight[a] = total;
      blocks--;
    }
  }
  const fitted = new Float64Array(n);
  for (let b = 0; b < blocks; b++) {
    const end = b + 1 < blocks ? start[b + 1] : n;
    fitted.fill(mean[b], start[b], end);
  }
  return fitted;
}
