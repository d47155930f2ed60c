// The one binning rule of mlwatch (see src/reference/types.ts): bins are
// upper-inclusive; with n edges there are n + 1 bins, bin i holding values v with
// edges[i-1] < v <= edges[i] (bin 0: v <= edges[0]; bin n: v > edges[n-1]).

/**
 * Index of the bin that holds `value`, by binary search over strictly increasing `edges`.
 * Allocation-free: it runs per event per numeric feature. `value` must not be NaN.
 */
export function binIndex(edges: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = edges.length;
  // Invariant: the answer lies in [lo, hi]; the first edge >= value.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lower edge of every bin, the origin of its within-bin offsets (value - lower edge):
 * edges[i - 1] for bin i >= 1, and edges[0] for bin 0, which has no lower edge (its offsets
 * are then <= 0). Length edges.length + 1.
 */
export function binLowerEdges(edges: ArrayLike<number>): Float64Array {
  const lower = new Float64Array(edges.length + 1);
  if (edges.length === 0) return lower;
  lower[0] = edges[0];
  for (let i = 1; i <= edges.length; i++) lower[i] = edges[i - 1];
  return lower;
}
