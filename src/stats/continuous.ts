// KS and Wasserstein-1 of a numeric feature, estimated from counts on shared FINE bins
// (about FINE_BINS equal-frequency bins from reference quantiles — fineEdges in exact.ts, which
// also splits the outermost bins — plus the bin below the reference minimum and the bin above its
// maximum). Bins are upper-inclusive (src/stats/bins.ts):
// with n edges, bin 0 = (-Inf, e_0], bin i = (e_{i-1}, e_i], bin n = (e_{n-1}, +Inf).
//
// F(e_i) = (counts[0] + … + counts[i]) / total is the empirical CDF exactly at each edge.
//
// KS = sup_x |F_ref(x) - F_win(x)| (scipy.stats.ks_2samp's statistic). From bins we take the
//   maximum over the edges only, which never exceeds the exact value and falls short of it by at
//   most the largest reference mass in one bin: inside bin i both CDFs are monotone, so
//   F_ref(x) - F_win(x) <= D(e_{i-1}) + r_i and F_win(x) - F_ref(x) <= -D(e_i) + r_i, with r_i the
//   reference proportion in bin i (D = 0 at ±Inf). With 200 equal-frequency bins that is ~1/200,
//   except where one value repeats: bin 0 holds every copy of the reference minimum, so for a
//   feature with an atom there (zero-inflated, constant) window values below the minimum can go
//   unseen by up to that atom's mass.
//
// W1 = ∫ |F_ref(x) - F_win(x)| dx (scipy.stats.wasserstein_distance). From bins:
//   - interior bins: both CDFs linear between their exact edge values (values spread evenly in the
//     bin), so D is linear and ∫|D| over the bin is exact for it, sign change included;
//   - below e_0: ∫ F(x) dx = (count_0·e_0 - Σ values in bin 0) / n per side, so the contribution is
//     the absolute difference of the two sides' integrals; above e_{n-1}:
//     ∫ (1 - F(x)) dx = (Σ values in bin n - count_n·e_{n-1}) / n, likewise. This is exact when one
//     side has no mass strictly below e_0 (resp. above e_{n-1}) — always true for the reference,
//     whose e_0 is its minimum and e_{n-1} its maximum — and a lower bound otherwise.
//   Inside interior bin i the true and the linear D both lie in a band of width r_i + w_i, so the
//   estimate is within Σ_i (e_i - e_{i-1})(r_i + w_i) of the exact W1 (tested as a property).
//   Measured (test/stats/continuous.test.ts): within 2% for shifts and scale changes of normal,
//   lognormal and Student-t3 features with fineEdges; not for Cauchy-like tails, windows of ~10
//   values, or features with few distinct values (a value on an edge is a step, not a spread).
import { totalCount } from './binned.js';

/** Counts per fine bin of one side, with the sums that make the two open-ended bins exact. */
export interface BinnedValues {
  counts: ArrayLike<number>;
  /** sum of the values in bin 0 */
  sumFirst: number;
  /** sum of the values in the last bin */
  sumLast: number;
}

/**
 * The reference side as BinnedValues: every reference value in bin 0 equals the minimum
 * edges[0], and the last bin (above the maximum) is empty.
 */
export function referenceTails(edges: ArrayLike<number>, counts: ArrayLike<number>): BinnedValues {
  assertBinsMatchEdges(edges, counts, 'referenceTails', 'reference');
  if (counts[counts.length - 1] !== 0) {
    throw new RangeError(
      `referenceTails: reference has ${counts[counts.length - 1]} values above its last edge; the last edge must be the reference maximum`,
    );
  }
  return { counts, sumFirst: counts[0] * edges[0], sumLast: 0 };
}

function assertBinsMatchEdges(edges: ArrayLike<number>, counts: ArrayLike<number>, method: string, side: string): void {
  if (edges.length === 0) throw new RangeError(`${method}: needs at least one edge`);
  if (counts.length !== edges.length + 1) {
    throw new RangeError(
      `${method}: ${side} has ${counts.length} bins for ${edges.length} edges; there must be edges + 1 bins`,
    );
  }
}

/** Two-sample KS statistic estimated from counts on shared edges: max over edges of |F_ref(e) - F_win(e)|. */
export function ksFromBins(edges: ArrayLike<number>, reference: ArrayLike<number>, window: ArrayLike<number>): number {
  assertBinsMatchEdges(edges, reference, 'ksFromBins', 'reference');
  assertBinsMatchEdges(edges, window, 'ksFromBins', 'window');
  const referenceTotal = totalCount(reference);
  const windowTotal = totalCount(window);
  if (referenceTotal === 0 || windowTotal === 0) return NaN;
  let referenceBelow = 0;
  let windowBelow = 0;
  let max = 0;
  for (let i = 0; i < edges.length; i++) {
    referenceBelow += reference[i];
    windowBelow += window[i];
    max = Math.max(max, Math.abs(referenceBelow / referenceTotal - windowBelow / windowTotal));
  }
  return max;
}

/** ∫ |D| over a width where D runs linearly from `start` to `end`. */
function integralOfAbsLinear(start: number, end: number, width: number): number {
  if (start * end >= 0) return (width * Math.abs(start + end)) / 2;
  // Sign change: two triangles meeting at the zero crossing.
  return (width * (start * start + end * end)) / (2 * (Math.abs(start) + Math.abs(end)));
}

/** W1 (scipy.stats.wasserstein_distance) estimated from shared fine bins: CDFs exact at edges, linear inside each interior bin (integrate |D| exactly for a linear D, including a sign change), tails exact from the sums: below edges[0] the contribution is (count0*edges[0] - sumFirst)/n per side difference, above edges[n-1] it is (sumLast - countLast*edges[n-1])/n. */
export function wassersteinFromBins(edges: ArrayLike<number>, reference: BinnedValues, window: BinnedValues): number {
  assertBinsMatchEdges(edges, reference.counts, 'wassersteinFromBins', 'reference');
  assertBinsMatchEdges(edges, window.counts, 'wassersteinFromBins', 'window');
  const ref = reference.counts;
  const win = window.counts;
  const referenceTotal = totalCount(ref);
  const windowTotal = totalCount(win);
  if (referenceTotal === 0 || windowTotal === 0) return NaN;
  const first = edges[0];
  const lastBin = edges.length;
  const lastEdge = edges[lastBin - 1];

  const referenceBelow = (ref[0] * first - reference.sumFirst) / referenceTotal;
  const windowBelow = (win[0] * first - window.sumFirst) / windowTotal;
  const referenceAbove = (reference.sumLast - ref[lastBin] * lastEdge) / referenceTotal;
  const windowAbove = (window.sumLast - win[lastBin] * lastEdge) / windowTotal;
  let distance = Math.abs(referenceBelow - windowBelow) + Math.abs(referenceAbove - windowAbove);

  let referenceCumulative = ref[0];
  let windowCumulative = win[0];
  let previous = referenceCumulative / referenceTotal - windowCumulative / windowTotal;
  for (let i = 1; i < lastBin; i++) {
    referenceCumulative += ref[i];
    windowCumulative += win[i];
    const current = referenceCumulative / referenceTotal - windowCumulative / windowTotal;
    distance += integralOfAbsLinear(previous, current, edges[i] - edges[i - 1]);
    previous = current;
  }
  return distance;
}

/**
 * W1 / reference std, so a score reads in standard deviations whatever the feature's unit.
 * When the reference std is 0 (a constant feature) W1 is returned unnormalised: any spread
 * away from the constant is drift, and W1 then is the mean distance from it in the feature's unit.
 * A negative or NaN std gives NaN.
 */
export function normalizedWasserstein(w1: number, referenceStd: number): number {
  if (referenceStd > 0) return w1 / referenceStd;
  return referenceStd === 0 ? w1 : NaN;
}
