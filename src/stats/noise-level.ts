// The noise level of a score at a window's actual size n, from the levels a reference stores
// on its grid of window sizes (src/reference/noise.ts), and the drift decision that uses it.
//
// Inside the grid: the more conservative of the two grid levels around n (the larger for the
// distances, the smaller for chi2_pvalue). The true level is monotone in n between neighbours
// (distances fall as n grows; the p-value's level drifts slowly), so this is never on the side
// of more drift, whatever the curve's shape. Interpolating instead is not: where the 99.9%
// tail is set by a rare event (a small bin left empty, which PSI punishes hard), the level
// falls steeply once n makes the event rarer than 1 in 1000, and a (log n, log level) chord
// under-states it — measured: PSI at n = 100 on a zero-inflated feature, 0.26 interpolated
// between 71 and 170 against 0.32 true, ~1% of stationary windows beyond it instead of 0.1%.
// The cost: a window just below a grid size is held to the level of the size before it
// (2.38 times fewer values: a distance's level is then up to 1.54 times its own).
// Outside the grid, on the side that calls less drift ("conservative"):
//   - n below the smallest size (30): too few values to tell drift from noise — the level is
//     +Infinity for the distances and 0 for chi2_pvalue, and nothing is declared drifted;
//   - n above the largest size (10^6): the last segment's slope carried on, but never past the
//     last level in the direction of more drift — for distances max(last, extrapolated) (levels
//     fall with n, so this is the last level), for chi2_pvalue min(last, extrapolated).
import type { DriftMethod } from '../config/types.js';

/** For chi2_pvalue drift is a small p-value: its noise level is a lower quantile. */
export function driftIsLow(method: DriftMethod): boolean {
  return method === 'chi2_pvalue';
}

/** The level at n, from `levels[i]` at `windows[i]` (ascending); see the rules above. */
export function noiseLevelAt(windows: ArrayLike<number>, levels: ArrayLike<number>, n: number, low: boolean): number {
  const last = windows.length - 1;
  if (!(n >= windows[0])) return low ? 0 : Infinity;
  if (n >= windows[last]) {
    if (last === 0 || n === windows[last]) return levels[last];
    const extrapolated = interpolate(windows[last - 1], levels[last - 1], windows[last], levels[last], n);
    return low ? Math.min(levels[last], extrapolated) : Math.max(levels[last], extrapolated);
  }
  let hi = 1;
  while (windows[hi] < n) hi++;
  if (windows[hi] === n) return levels[hi];
  return low ? Math.min(levels[hi - 1], levels[hi]) : Math.max(levels[hi - 1], levels[hi]);
}

function interpolate(n0: number, level0: number, n1: number, level1: number, n: number): number {
  const t = Math.log(n / n0) / Math.log(n1 / n0);
  if (level0 > 0 && level1 > 0) return Math.exp(Math.log(level0) + t * Math.log(level1 / level0));
  return level0 + t * (level1 - level0);
}

/**
 * The decision: beyond the threshold AND beyond the noise level (>= for distances, <= for the
 * chi-square p-value). A NaN noise level (the reference has none) leaves the threshold alone;
 * a NaN score is never drift.
 */
export function isDrift(method: DriftMethod, score: number, threshold: number, noise: number): boolean {
  if (driftIsLow(method)) return score <= threshold && !(score > noise);
  return score >= threshold && !(score < noise);
}

/**
 * The smallest n of the grid's range from which the level stays at or below `threshold`
 * (at or above it, for a low-drift method), by noiseLevelAt's rule: a grid size, since between
 * two sizes the level is the more conservative of theirs. Null when the level is still beyond
 * the threshold at the grid's largest size.
 */
export function noiseCrossing(windows: ArrayLike<number>, levels: ArrayLike<number>, threshold: number, low: boolean): number | null {
  const beyond = (level: number): boolean => (low ? level < threshold : level > threshold);
  const last = windows.length - 1;
  if (beyond(levels[last])) return null;
  let i = last;
  while (i > 0 && !beyond(levels[i - 1])) i--;
  return windows[i];
}
