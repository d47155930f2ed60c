// Summaries of repeated measurements.

/** @param {number[]} values */
export function median(values) {
  return quantile(values, 0.5);
}

/**
 * Linear interpolation between closest ranks (numpy's default), so p95 of 50 values
 * falls between the 47th and 48th.
 * @param {number[]} values
 * @param {number} q  in [0, 1]
 */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
