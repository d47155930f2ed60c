// Drift of one model's window against its reference, computed off the hot path (on a
// timer) into arrays that scrapes only read. Numeric slots: PSI and JS on the coarse
// bins (the exported histogram's buckets), KS and Wasserstein on the fine bins.
// Categorical slots: PSI, JS, chi-square p-value and Chebyshev on the categories.
import type { CategoricalDriftMethod, DriftConfig, NumericDriftMethod } from '../config/types.js';
import { chebyshevDistance, chiSquarePValue, jensenShannonDistance, psi } from '../stats/binned.js';
import type { CellReader } from './cell-reader.js';
import { slotBinsOf, slotOffsetsOf, type CategoricalSlot, type ModelLayout, type NumericSlot, type Slot } from './layout.js';
import { scoreNumericSlot } from './numeric-drift.js';

export const NUMERIC_METHODS: readonly NumericDriftMethod[] = ['psi', 'jensen_shannon', 'wasserstein_normalized', 'ks'];
export const CATEGORICAL_METHODS: readonly CategoricalDriftMethod[] = ['psi', 'jensen_shannon', 'chi2_pvalue', 'chebyshev'];
export const METHODS_PER_SLOT = 4;

export function methodsOf(slot: Slot): readonly (NumericDriftMethod | CategoricalDriftMethod)[] {
  return slot.kind === 'numeric' ? NUMERIC_METHODS : CATEGORICAL_METHODS;
}

export interface DriftResult {
  /** scores[slot * METHODS_PER_SLOT + m], in methodsOf(slot) order; NaN below min_samples. */
  scores: Float64Array;
  /** Values per slot in the window. */
  samples: Float64Array;
  /** Per slot: 1 drifted, 0 not, NaN below min_samples. */
  drifted: Float64Array;
  /** Share of features (not the prediction) drifted among those with enough samples; NaN if none. */
  driftedShare: number;
  /** Unix seconds of the last computation; 0 before the first. */
  computedAt: number;
  durationSeconds: number;
}

/** A result with nothing computed yet (NaN scores, computedAt 0). */
export function emptyDriftResult(layout: ModelLayout): DriftResult {
  const slots = layout.slots.length;
  return {
    scores: new Float64Array(slots * METHODS_PER_SLOT).fill(NaN),
    samples: new Float64Array(slots),
    drifted: new Float64Array(slots).fill(NaN),
    driftedShare: NaN,
    computedAt: 0,
    durationSeconds: 0,
  };
}

/** Computes a cell's drift into the cell's result; one per model (its scratch fits the layout). */
export class DriftComputer {
  private result: DriftResult;
  private readonly windowSum: Float64Array;
  private readonly coarseWindow: Float64Array;
  private readonly decision: { numeric: number; categorical: number };

  constructor(
    private readonly layout: ModelLayout,
    private readonly config: DriftConfig,
  ) {
    this.result = emptyDriftResult(layout);
    this.windowSum = new Float64Array(layout.windowWidth);
    let maxCoarse = 0;
    for (const slot of layout.slots) if (slot.kind === 'numeric') maxCoarse = Math.max(maxCoarse, slot.coarseEnd.length);
    this.coarseWindow = new Float64Array(maxCoarse);
    this.decision = {
      numeric: NUMERIC_METHODS.indexOf(config.decision_method.numeric),
      categorical: CATEGORICAL_METHODS.indexOf(config.decision_method.categorical),
    };
  }

  /** The drift of the cell's window as it stands (advance it first), written to cell.drift. */
  compute(cell: CellReader, nowSeconds: number): DriftResult {
    const started = process.hrtime.bigint();
    cell.sumWindowInto(this.windowSum);
    this.result = cell.drift;
    const { result, layout } = this;
    let judged = 0;
    let drifted = 0;
    for (const slot of cell.referenceSlots) {
      const samples = this.slotSamples(slot);
      result.samples[slot.index] = samples;
      const at = slot.index * METHODS_PER_SLOT;
      if (samples < this.config.min_samples || samples === 0) {
        result.scores.fill(NaN, at, at + METHODS_PER_SLOT);
        result.drifted[slot.index] = NaN;
        continue;
      }
      if (slot.kind === 'numeric') this.numericScores(slot, at);
      else this.categoricalScores(slot, at);
      const isDrifted = this.isDrifted(slot, at) ? 1 : 0;
      result.drifted[slot.index] = isDrifted;
      if (slot.index !== layout.prediction.index) {
        judged++;
        drifted += isDrifted;
      }
    }
    result.driftedShare = judged > 0 ? drifted / judged : NaN;
    result.computedAt = nowSeconds;
    result.durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    return result;
  }

  private slotSamples(slot: Slot): number {
    const bins = slotBinsOf(this.windowSum, slot);
    let n = 0;
    for (let b = 0; b < bins.length; b++) n += bins[b];
    return n;
  }

  private numericScores(slot: NumericSlot, at: number): void {
    const window = {
      counts: slotBinsOf(this.windowSum, slot),
      offsets: slotOffsetsOf(this.windowSum, slot),
    };
    scoreNumericSlot(slot, window, this.coarseWindow, this.result.scores, at);
  }

  private categoricalScores(slot: CategoricalSlot, at: number): void {
    const window = slotBinsOf(this.windowSum, slot);
    const reference = slot.referenceCounts;
    const scores = this.result.scores;
    scores[at] = psi(reference, window);
    scores[at + 1] = jensenShannonDistance(reference, window);
    scores[at + 2] = chiSquarePValue(reference, window);
    scores[at + 3] = chebyshevDistance(reference, window);
  }

  private isDrifted(slot: Slot, at: number): boolean {
    const m = slot.kind === 'numeric' ? this.decision.numeric : this.decision.categorical;
    const method = methodsOf(slot)[m];
    const score = this.result.scores[at + m];
    const threshold = this.config.thresholds[method];
    return method === 'chi2_pvalue' ? score < threshold : score > threshold;
  }
}
