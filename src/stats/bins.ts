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
