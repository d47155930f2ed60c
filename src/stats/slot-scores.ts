// Every drift method's score of one slot (a feature or the prediction), in one place: the
// drift computer scores live windows with these functions and the reference builder scores
// its simulated windows with them, so the noise levels stored in a reference are levels of
// exactly the numbers the sidecar exports. Change an estimator here and both follow.
//   numeric:     PSI and Jensen-Shannon on the coarse bins (the exported histogram's buckets),
//                normalised Wasserstein and KS on the fine bins (continuous.ts);
//   categorical: PSI, Jensen-Shannon, chi-square p-value and Chebyshev on the categories.
import type { CategoricalDriftMethod, NumericDriftMethod } from '../config/types.js';
import { chebyshevDistance, chiSquarePValue, jensenShannonDistance, psi } from './binned.js';
import { ksFromBins, normalizedWasserstein, wassersteinFromBins, type BinnedValues } from './continuous.js';

/** Score order of a numeric slot: scores[at + i] is NUMERIC_METHODS[i]. */
export const NUMERIC_METHODS: readonly NumericDriftMethod[] = ['psi', 'jensen_shannon', 'wasserstein_normalized', 'ks'];
/** Score order of a categorical slot. */
export const CATEGORICAL_METHODS: readonly CategoricalDriftMethod[] = ['psi', 'jensen_shannon', 'chi2_pvalue', 'chebyshev'];
export const METHODS_PER_SLOT = 4;

/** The fixed bins of a numeric slot. */
export interface NumericBins {
  /** Fine edges (n edges, n + 1 fine bins). */
  fineEdges: ArrayLike<number>;
  /** coarseEnd[c] = one past the last fine bin of coarse bin c. */
  coarseEnd: ArrayLike<number>;
  /** The reference's population std: Wasserstein is reported in units of it. */
  referenceStd: number;
}

/** One side of a numeric comparison: fine counts with their tail sums, and the coarse counts. */
export interface NumericSide extends BinnedValues {
  coarse: ArrayLike<number>;
}

/**
 * coarseEnd for fine edges that contain the coarse ones: fine bin f belongs to the coarse bin
 * whose upper edge is the first coarse edge >= fineEdges[f] (length coarseEdges.length + 1).
 */
export function fineToCoarse(fineEdges: ArrayLike<number>, coarseEdges: ArrayLike<number>): Int32Array {
  const coarseEnd = new Int32Array(coarseEdges.length + 1);
  let coarse = 0;
  for (let f = 0; f < fineEdges.length; f++) {
    while (coarse < coarseEdges.length && coarseEdges[coarse] < fineEdges[f]) coarseEnd[coarse++] = f;
  }
  while (coarse < coarseEdges.length) coarseEnd[coarse++] = fineEdges.length;
  coarseEnd[coarseEdges.length] = fineEdges.length + 1;
  return coarseEnd;
}

/** Sums fine counts into `out` (one entry per coarse bin). */
export function coarseCounts(fine: ArrayLike<number>, coarseEnd: ArrayLike<number>, out: Float64Array): Float64Array {
  let f = 0;
  for (let c = 0; c < coarseEnd.length; c++) {
    let sum = 0;
    for (; f < coarseEnd[c]; f++) sum += fine[f];
    out[c] = sum;
  }
  return out;
}

/**
 * The side of values drawn from the reference's own fine bins (the reference itself, or a
 * sample of it): every value in bin 0 equals the reference minimum fineEdges[0], and none lies
 * above the maximum. `coarse` must already hold the coarse sums of `fine`.
 */
export function referenceSide(bins: NumericBins, fine: ArrayLike<number>, coarse: ArrayLike<number>): NumericSide {
  return { counts: fine, coarse, sumFirst: fine[0] * bins.fineEdges[0], sumLast: 0 };
}

/** The four numeric scores of `window` against `reference`, into out[at … at + 3] in NUMERIC_METHODS order. */
export function numericSlotScores(bins: NumericBins, reference: NumericSide, window: NumericSide, out: Float64Array, at: number): void {
  out[at] = psi(reference.coarse, window.coarse);
  out[at + 1] = jensenShannonDistance(reference.coarse, window.coarse);
  out[at + 2] = normalizedWasserstein(wassersteinFromBins(bins.fineEdges, reference, window), bins.referenceStd);
  out[at + 3] = ksFromBins(bins.fineEdges, reference.counts, window.counts);
}

/** The four categorical scores of window counts against reference counts, in CATEGORICAL_METHODS order. */
export function categoricalSlotScores(reference: ArrayLike<number>, window: ArrayLike<number>, out: Float64Array, at: number): void {
  out[at] = psi(reference, window);
  out[at + 1] = jensenShannonDistance(reference, window);
  out[at + 2] = chiSquarePValue(reference, window);
  out[at + 3] = chebyshevDistance(reference, window);
}
