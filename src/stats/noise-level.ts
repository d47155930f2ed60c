// The noise level of a score at a window's actual size n, from the levels a reference stores
// on its grid of window sizes (src/reference/noise.ts), and the drift decision that uses it.
//
// Inside the grid: linear in (log n, log level) between the two grid sizes around n — exact
// for the power laws these levels follow (distances ~ n^-1/2, PSI ~ 1/n), and above the true
// curve where it bends (towards the floor set by the reference's own size), so on the safe
// side; linear in the level itself where one of the two is 0 (a constant feature).
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
    if (last === 0) return levels[0];
    const extrapolated = interpolate(windows[last - 1], levels[last - 1], windows[last], levels[last], n);
    return low ? Math.min(levels[last], extrapolated) : Math.max(levels[last], extrapolated);
  }
  let hi = 1;
  while (windows[hi] < n) hi++;
  return interpolate(windows[hi - 1], levels[hi - 1], windows[hi], levels[hi], n);
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
 * (at or above it, for a low-drift method), by the same interpolation as noiseLevelAt; null
 * when the level is still beyond the threshold at the grid's largest size.
 */
export function noiseCrossing(windows: ArrayLike<number>, levels: ArrayLike<number>, threshold: number, low: boolean): number | null {
  const beyond = (level: number): boolean => (low ? level < threshold : level > threshold);
  const last = windows.length - 1;
  if (beyond(levels[last])) return null;
  let i = last;
  while (i > 0 && !beyond(levels[i - 1])) i--;
  if (i === 0) return windows[0];
  // levels[i - 1] is beyond the threshold and levels[i] is not: solve the segment for it.
  const [n0, n1, l0, l1] = [windows[i - 1], windows[i], levels[i - 1], levels[i]];
  const t = l0 > 0 && l1 > 0 && threshold > 0 ? Math.log(threshold / l0) / Math.log(l1 / l0) : (threshold - l0) / (l1 - l0);
  return Math.ceil(n0 * Math.exp(t * Math.log(n1 / n0)));
}
