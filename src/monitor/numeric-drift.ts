// The four scores of one numeric slot from its window arrays: PSI and JS on the coarse bins
// (the exported histogram's buckets, sums of fine bins), KS and normalised Wasserstein on the
// fine bins with each side's within-bin offsets. DriftComputer calls it for live windows; a
// simulated window (counts drawn from the reference, offsets at the reference's mean offset
// per bin; any offsets for a format 1 reference, whose W1 reads only the outer bins' ones) can
// be scored by the same function.
import { jensenShannonDistance, psi } from '../stats/binned.js';
import { ksFromBins, normalizedWasserstein, wassersteinFromBins, wassersteinSpreadEvenly, type BinnedValues } from '../stats/continuous.js';
import type { NumericSlot } from './layout.js';

/** W1 of a window against the slot's reference: exact offsets on both sides, or the format 1 estimate. */
function wasserstein(slot: NumericSlot, window: BinnedValues): number {
  const offsets = slot.referenceFineOffsets;
  if (offsets === null) return wassersteinSpreadEvenly(slot.fineEdges, slot.referenceFineCounts, window);
  return wassersteinFromBins(slot.fineEdges, { counts: slot.referenceFineCounts, offsets }, window);
}

/**
 * Writes psi, jensen_shannon, wasserstein_normalized and ks (NUMERIC_METHODS order) into
 * scores[at … at + 3]. `window` holds the slot's fine-bin counts and offset sums;
 * `coarseScratch` has room for slot.coarseEnd.length counts. Allocation-free.
 */
export function scoreNumericSlot(slot: NumericSlot, window: BinnedValues, coarseScratch: Float64Array, scores: Float64Array, at: number): void {
  const fine = window.counts;
  const coarse = coarseScratch.subarray(0, slot.coarseEnd.length);
  let f = 0;
  for (let c = 0; c < slot.coarseEnd.length; c++) {
    let sum = 0;
    for (; f < slot.coarseEnd[c]; f++) sum += fine[f];
    coarse[c] = sum;
  }
  scores[at] = psi(slot.referenceCoarseCounts, coarse);
  scores[at + 1] = jensenShannonDistance(slot.referenceCoarseCounts, coarse);
  scores[at + 2] = normalizedWasserstein(wasserstein(slot, window), slot.referenceStd);
  scores[at + 3] = ksFromBins(slot.fineEdges, slot.referenceFineCounts, fine);
}
