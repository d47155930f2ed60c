// How far a variant's live predictions are from the default variant's over the same window:
// the canary or challenger against the champion, not against training data. Numeric
// predictions: PSI and Jensen-Shannon on the coarse bins, KS on the fine bins; predicted
// classes: PSI, Jensen-Shannon and Chebyshev. Both sides are live windows, so the scores are
// two-sample ones; NaN until both windows hold min_samples predictions.
import { chebyshevDistance, jensenShannonDistance, psi } from '../stats/binned.js';
import { ksFromBins } from '../stats/continuous.js';
import type { CellReader } from './cell-reader.js';
import { coarseFromFine, slotBinsOf, type ModelLayout } from './layout.js';

export const NUMERIC_DIVERGENCE_METHODS = ['psi', 'jensen_shannon', 'ks'] as const;
export const CATEGORICAL_DIVERGENCE_METHODS = ['psi', 'jensen_shannon', 'chebyshev'] as const;
export const DIVERGENCE_METHODS = 3;

export function divergenceMethodsOf(layout: ModelLayout): readonly string[] {
  return layout.prediction.kind === 'numeric' ? NUMERIC_DIVERGENCE_METHODS : CATEGORICAL_DIVERGENCE_METHODS;
}

export class DivergenceComputer {
  private readonly variantWindow: Float64Array;
  private readonly defaultWindow: Float64Array;
  private readonly variantCoarse: Float64Array;
  private readonly defaultCoarse: Float64Array;

  constructor(
    private readonly layout: ModelLayout,
    private readonly minSamples: number,
  ) {
    this.variantWindow = new Float64Array(layout.windowWidth);
    this.defaultWindow = new Float64Array(layout.windowWidth);
    const slot = layout.prediction;
    const coarse = slot.kind === 'numeric' ? slot.coarseEnd.length : 0;
    this.variantCoarse = new Float64Array(coarse);
    this.defaultCoarse = new Float64Array(coarse);
  }

  /** Scores of `variant` against `reference` (the default variant) into out[0..3), NaN below min_samples. */
  compute(variant: CellReader, reference: CellReader, out: Float64Array): void {
    variant.sumWindowInto(this.variantWindow);
    reference.sumWindowInto(this.defaultWindow);
    const slot = this.layout.prediction;
    const ours = slotBinsOf(this.variantWindow, slot);
    const theirs = slotBinsOf(this.defaultWindow, slot);
    if (total(ours) < this.minSamples || total(theirs) < this.minSamples) {
      out.fill(NaN, 0, DIVERGENCE_METHODS);
      return;
    }
    if (slot.kind === 'numeric') {
      coarseFromFine(ours, 0, slot, this.variantCoarse);
      coarseFromFine(theirs, 0, slot, this.defaultCoarse);
      out[0] = psi(this.defaultCoarse, this.variantCoarse);
      out[1] = jensenShannonDistance(this.defaultCoarse, this.variantCoarse);
      out[2] = ksFromBins(slot.fineEdges, theirs, ours);
    } else {
      out[0] = psi(theirs, ours);
      out[1] = jensenShannonDistance(theirs, ours);
      out[2] = chebyshevDistance(theirs, ours);
    }
  }
}

function total(counts: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) sum += counts[i];
  return sum;
}
