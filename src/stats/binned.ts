// Drift between two binned distributions (categories, or coarse numeric bins), from counts
// on the same bins. With r_i = reference[i] / Σ reference and w_i = window[i] / Σ window:
//   PSI        Σ (w_i - r_i) ln(w_i / r_i), a zero r_i or w_i replaced by PSI_EPSILON (Evidently's rule,
//              no renormalisation). Each term is >= 0.
//   JS         sqrt( (KL(r || m) + KL(w || m)) / 2 ) in bits, m = (r + w) / 2:
//              scipy.spatial.distance.jensenshannon(r, w, base=2), in [0, 1].
//   Chebyshev  max_i |r_i - w_i|, in [0, 1].
//   chi-square scipy.stats.chisquare(f_obs = window, f_exp = r · Σ window).pvalue after Cochran's
//              pooling (CHI_SQUARE_MIN_EXPECTED): the categories expecting fewer than 5 values are
//              pooled into one; a pool still expecting fewer than 5 is merged into the remaining
//              category with the smallest expected count; dof = categories after pooling - 1 (p = 1
//              when that is 0). A category the reference never saw (expected 0, e.g. __other__)
//              is always pooled, so one unseen value moves p a little instead of making it 0.
// Every function takes counts (never proportions), does not copy them, and returns NaN when
// either side's total is 0 (callers guarantee a minimum number of samples).
import { chiSquareSurvival } from './gamma.js';

export const PSI_EPSILON = 1e-4;

/** Σ counts. */
export function totalCount(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  return total;
}

function assertSameBins(reference: ArrayLike<number>, window: ArrayLike<number>, method: string): void {
  if (reference.length !== window.length) {
    throw new RangeError(
      `${method}: reference has ${reference.length} bins and window ${window.length}; both must count the same bins`,
    );
  }
}

/** Population Stability Index: p = count/total per side; any p of 0 replaced by PSI_EPSILON (no renormalisation, as Evidently does); sum over bins of (w - r) * ln(w / r). */
export function psi(reference: ArrayLike<number>, window: ArrayLike<number>): number {
  assertSameBins(reference, window, 'psi');
  const referenceTotal = totalCount(reference);
  const windowTotal = totalCount(window);
  if (referenceTotal === 0 || windowTotal === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] / referenceTotal || PSI_EPSILON;
    const w = window[i] / windowTotal || PSI_EPSILON;
    sum += (w - r) * Math.log(w / r);
  }
  return sum;
}

/** Jensen-Shannon DISTANCE, log base 2, in [0,1]: scipy.spatial.distance.jensenshannon(p, q, base=2). */
export function jensenShannonDistance(reference: ArrayLike<number>, window: ArrayLike<number>): number {
  assertSameBins(reference, window, 'jensenShannonDistance');
  const referenceTotal = totalCount(reference);
  const windowTotal = totalCount(window);
  if (referenceTotal === 0 || windowTotal === 0) return NaN;
  // Per bin, r ln(r/m) + w ln(w/m) = r·log1p(d) + w·log1p(-d) with d = (r - w)/(r + w); the term is
  // >= 0, so summing bins never cancels, and log1p keeps nearly equal bins accurate.
  let divergence = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] / referenceTotal;
    const w = window[i] / windowTotal;
    if (r === 0 || w === 0) {
      divergence += (r + w) * Math.LN2;
      continue;
    }
    const d = (r - w) / (r + w);
    divergence += r * Math.log1p(d) + w * Math.log1p(-d);
  }
  const bits = divergence / (2 * Math.LN2);
  // Rounding can leave the sum a hair outside [0, 1] for identical or disjoint distributions.
  return Math.sqrt(Math.min(1, Math.max(0, bits)));
}

/** Chebyshev (L-infinity) distance between the two proportion vectors: max |p_i - q_i|. */
export function chebyshevDistance(reference: ArrayLike<number>, window: ArrayLike<number>): number {
  assertSameBins(reference, window, 'chebyshevDistance');
  const referenceTotal = totalCount(reference);
  const windowTotal = totalCount(window);
  if (referenceTotal === 0 || windowTotal === 0) return NaN;
  let max = 0;
  for (let i = 0; i < reference.length; i++) {
    max = Math.max(max, Math.abs(reference[i] / referenceTotal - window[i] / windowTotal));
  }
  return max;
}

/** Cochran's rule: a chi-square category should expect at least this many values. */
export const CHI_SQUARE_MIN_EXPECTED = 5;

/**
 * Chi-square goodness-of-fit p-value of window counts against reference proportions, after
 * pooling the sparse categories (see the top of this file): scipy.stats.chisquare(f_obs, f_exp)
 * on the pooled counts. Allocation-free: two passes over the bins.
 */
export function chiSquarePValue(reference: ArrayLike<number>, window: ArrayLike<number>): number {
  assertSameBins(reference, window, 'chiSquarePValue');
  const referenceTotal = totalCount(reference);
  const windowTotal = totalCount(window);
  if (referenceTotal === 0 || windowTotal === 0) return NaN;
  const scale = windowTotal / referenceTotal;
  // Pass 1: the pool of sparse categories, and the smallest category that is not sparse.
  let poolExpected = 0;
  let poolObserved = 0;
  let kept = 0;
  let smallest = -1;
  for (let i = 0; i < reference.length; i++) {
    const expected = reference[i] * scale;
    if (expected < CHI_SQUARE_MIN_EXPECTED) {
      poolExpected += expected;
      poolObserved += window[i];
    } else {
      kept++;
      if (smallest < 0 || expected < reference[smallest] * scale) smallest = i;
    }
  }
  const poolStands = poolExpected >= CHI_SQUARE_MIN_EXPECTED;
  const categories = kept + (poolStands || kept === 0 ? 1 : 0);
  if (categories <= 1) return 1;
  // Pass 2: Σ (o - e)² / e over the pooled categories.
  let statistic = poolStands ? ((poolObserved - poolExpected) * (poolObserved - poolExpected)) / poolExpected : 0;
  for (let i = 0; i < reference.length; i++) {
    let expected = reference[i] * scale;
    if (expected < CHI_SQUARE_MIN_EXPECTED) continue;
    let observed = window[i];
    if (i === smallest && !poolStands) {
      expected += poolExpected;
      observed += poolObserved;
    }
    const deviation = observed - expected;
    statistic += (deviation * deviation) / expected;
  }
  return chiSquareSurvival(statistic, categories - 1);
}
