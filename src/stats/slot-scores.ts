// Every drift method's score of one slot (a feature or the prediction), in one place: the
// drift computer scores live windows with these functions and the reference builder scores
// its simulated windows with them, so the noise levels stored in a reference are levels of
// exactly the numbers the sidecar exports. Change an estimator here and both follow.
//   numeric:     PSI and Jensen-Shannon on the coarse bins (the exported histogram's buckets),
//                normalised Wasserstein and KS on the fine bins with their within-bin
//                offsets (continuous.ts);
//   categorical: PSI, Jensen-Shannon, chi-square p-value and Chebyshev on the categories.
import type { CategoricalDriftMethod, NumericDriftMethod } from '../config/types.js';
import { chebyshevDistance, chiSquarePValue, jensenShannonDistance, psi } from './binned.js';
import { ksFromBins, normalizedWasserstein, wassersteinFromBins, wassersteinSpreadEvenly, type BinnedValues } from './continuous.js';

/** Score order of a numeric slot: scores[at + i] is NUMERIC_METHODS[i]. */
export const NUMERIC_METHODS: readonly NumericDriftMethod[] = ['psi', 'jensen_shannon', 'wasserstein_normalized', 'ks'];
/** Score order of a categorical slot. */
export const CATEGORICAL_METHODS: readonly CategoricalDriftMethod[] = ['psi', 'jensen_shannon', 'chi2_pvalue', 'chebyshev'];
export const METHODS_PER_SLOT = 4;

/**
 * A numeric slot's reference: its fixed bins and the reference's counts in them. A NumericSlot
 * of the layout is one; the noise simulation builds one per resampled reference.
 */
export interface NumericReference {
  /** Fine edges (n edges, n + 1 fine bins). */
  fineEdges: ArrayLike<number>;
  /** coarseEnd[c] = one past the last fine bin of coarse bin c. */
  coarseEnd: ArrayLike<number>;
  /** The reference's population std: Wasserstein is reported in units of it. */
  referenceStd: number;
  referenceFineCounts: ArrayLike<number>;
  /**
   * Per fine bin, the sum of (value - the bin's lower edge); null for a format 1 reference,
   * which has none: its W1 keeps the even-spread estimate (wassersteinSpreadEvenly).
   */
  referenceFineOffsets: ArrayLike<number> | null;
  /** Sums of the fine counts per coarse bin. */
  referenceCoarseCounts: ArrayLike<number>;
}

/** A window of a numeric slot: fine counts with their offset sums, and the coarse counts. */
export interface NumericWindow extends BinnedValues {
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
 * Offset sums for counts drawn from a reference's own bins: each bin's count times the
 * reference's mean offset in that bin (`meanOffsets`, from meanOffsetsOf). A simulated value
 * thus sits at its bin's mean position: the within-bin spread, tiny beside the bins' own
 * sampling noise at fine resolution, is left out.
 */
export function offsetsAtMean(counts: ArrayLike<number>, meanOffsets: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] * meanOffsets[i];
  return out;
}

/** The reference's mean offset per fine bin (0 in an empty bin), for offsetsAtMean. */
export function meanOffsetsOf(counts: ArrayLike<number>, offsets: ArrayLike<number> | null): Float64Array {
  const means = new Float64Array(counts.length);
  if (offsets !== null) for (let i = 0; i < counts.length; i++) means[i] = counts[i] > 0 ? offsets[i] / counts[i] : 0;
  return means;
}

/** W1 of a window against the reference: exact offsets on both sides, or the format 1 estimate. */
function wasserstein(reference: NumericReference, window: BinnedValues): number {
  const offsets = reference.referenceFineOffsets;
  if (offsets === null) return wassersteinSpreadEvenly(reference.fineEdges, reference.referenceFineCounts, window);
  return wassersteinFromBins(reference.fineEdges, { counts: reference.referenceFineCounts, offsets }, window);
}

/**
 * The four numeric scores of `window` against `reference`, into out[at … at + 3] in
 * NUMERIC_METHODS order. Allocation-free.
 */
export function numericSlotScores(reference: NumericReference, window: NumericWindow, out: Float64Array, at: number): void {
  out[at] = psi(reference.referenceCoarseCounts, window.coarse);
  out[at + 1] = jensenShannonDistance(reference.referenceCoarseCounts, window.coarse);
  out[at + 2] = normalizedWasserstein(wasserstein(reference, window), reference.referenceStd);
  out[at + 3] = ksFromBins(reference.fineEdges, reference.referenceFineCounts, window.counts);
}

/** The four categorical scores of window counts against reference counts, in CATEGORICAL_METHODS order. */
export function categoricalSlotScores(reference: ArrayLike<number>, window: ArrayLike<number>, out: Float64Array, at: number): void {
  out[at] = psi(reference, window);
  out[at + 1] = jensenShannonDistance(reference, window);
  out[at + 2] = chiSquarePValue(reference, window);
  out[at + 3] = chebyshevDistance(reference, window);
}
