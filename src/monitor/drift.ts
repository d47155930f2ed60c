// Drift of one model's window against its reference, computed off the hot path (on a
// timer) into arrays that scrapes only read. Numeric slots: PSI and JS on the coarse
// bins (the exported histogram's buckets), KS and Wasserstein on the fine bins.
// Categorical slots: PSI, JS, chi-square p-value and Chebyshev on the categories.
import type { CategoricalDriftMethod, DriftConfig, NumericDriftMethod } from '../config/types.js';
import { chebyshevDistance, chiSquarePValue, jensenShannonDistance, psi } from '../stats/binned.js';
import type { CategoricalSlot, ModelLayout, NumericSlot, Slot } from './layout.js';
import { scoreNumericSlot } from './numeric-drift.js';
import type { SlidingWindow } from './window.js';

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

export class DriftComputer {
  readonly result: DriftResult;
  private readonly windowSum: Float64Array;
  private readonly coarseWindow: Float64Array;
  private readonly decision: { numeric: number; categorical: number };

  constructor(
    private readonly layout: ModelLayout,
    private readonly config: DriftConfig,
  ) {
    const slots = layout.slots.length;
    this.result = {
      scores: new Float64Array(slots * METHODS_PER_SLOT).fill(NaN),
      samples: new Float64Array(slots),
      drifted: new Float64Array(slots).fill(NaN),
      driftedShare: NaN,
      computedAt: 0,
      durationSeconds: 0,
    };
    this.windowSum = new Float64Array(layout.totalBins + layout.totalOffsets);
    let maxCoarse = 0;
    for (const slot of layout.slots) if (slot.kind === 'numeric') maxCoarse = Math.max(maxCoarse, slot.coarseEnd.length);
    this.coarseWindow = new Float64Array(maxCoarse);
    this.decision = {
      numeric: NUMERIC_METHODS.indexOf(config.decision_method.numeric),
      categorical: CATEGORICAL_METHODS.indexOf(config.decision_method.categorical),
    };
  }

  compute(window: SlidingWindow, nowSeconds: number): DriftResult {
    const started = process.hrtime.bigint();
    window.sumInto(this.windowSum);
    const { result, layout } = this;
    let judged = 0;
    let drifted = 0;
    for (const slot of layout.slots) {
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
      if (slot !== layout.prediction) {
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
    let n = 0;
    for (let b = slot.binOffset; b < slot.binOffset + slot.binCount; b++) n += this.windowSum[b];
    return n;
  }

  private numericScores(slot: NumericSlot, at: number): void {
    const { windowSum } = this;
    const window = {
      counts: windowSum.subarray(slot.binOffset, slot.binOffset + slot.binCount),
      offsets: windowSum.subarray(slot.offsetsAt, slot.offsetsAt + slot.binCount),
    };
    scoreNumericSlot(slot, window, this.coarseWindow, this.result.scores, at);
  }

  private categoricalScores(slot: CategoricalSlot, at: number): void {
    const window = this.windowSum.subarray(slot.binOffset, slot.binOffset + slot.binCount);
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
