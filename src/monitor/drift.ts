// Drift of one model's window against its reference, computed off the hot path (on a
// timer) into arrays that scrapes only read. Every score comes from src/stats/slot-scores.ts
// (the functions the reference builder's noise simulation uses too). A slot is drifted when its
// decision method's score is beyond both the configured threshold and the reference's noise
// level at the window's size (src/stats/noise-level.ts).
//
// Each computation fills a scratch result and is published by swapping it with the current
// one only once it is complete: a computation that throws halfway leaves the previous result
// whole (and counts a failure), never a mix of new and old scores.
import type { CategoricalDriftMethod, DriftConfig, NumericDriftMethod } from '../config/types.js';
import { driftIsLow, isDrift, noiseLevelAt } from '../stats/noise-level.js';
import {
  CATEGORICAL_METHODS,
  METHODS_PER_SLOT,
  NUMERIC_METHODS,
  categoricalSlotScores,
  coarseCounts,
  numericSlotScores,
} from '../stats/slot-scores.js';
import type { CellReader } from './cell-reader.js';
import { slotBinsOf, slotOffsetsOf, type CategoricalSlot, type ModelLayout, type NumericSlot, type Slot } from './layout.js';

export { CATEGORICAL_METHODS, METHODS_PER_SLOT, NUMERIC_METHODS } from '../stats/slot-scores.js';

export function methodsOf(slot: Slot): readonly (NumericDriftMethod | CategoricalDriftMethod)[] {
  return slot.kind === 'numeric' ? NUMERIC_METHODS : CATEGORICAL_METHODS;
}

export interface DriftResult {
  /** scores[slot * METHODS_PER_SLOT + m], in methodsOf(slot) order; NaN below min_samples. */
  scores: Float64Array;
  /** The noise level of each score at the window's size; NaN below min_samples or without a noise table. */
  noise: Float64Array;
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
    noise: new Float64Array(slots * METHODS_PER_SLOT).fill(NaN),
    samples: new Float64Array(slots),
    drifted: new Float64Array(slots).fill(NaN),
    driftedShare: NaN,
    computedAt: 0,
    durationSeconds: 0,
  };
}

/**
 * Computes a cell's drift and publishes it as the cell's result; one per model (its scratch
 * fits the layout, and is the cell's previous result after each swap).
 */
export class DriftComputer {
  /** Computations that threw; the result published before each stayed current. */
  failures = 0;
  private scratch: DriftResult;
  private readonly windowSum: Float64Array;
  private readonly coarseWindow: Float64Array;
  private readonly decision: { numeric: number; categorical: number };

  constructor(
    private readonly layout: ModelLayout,
    private readonly config: DriftConfig,
  ) {
    this.scratch = emptyDriftResult(layout);
    this.windowSum = new Float64Array(layout.windowWidth);
    let maxCoarse = 0;
    for (const slot of layout.slots) if (slot.kind === 'numeric') maxCoarse = Math.max(maxCoarse, slot.coarseEnd.length);
    this.coarseWindow = new Float64Array(maxCoarse);
    this.decision = {
      numeric: NUMERIC_METHODS.indexOf(config.decision_method.numeric),
      categorical: CATEGORICAL_METHODS.indexOf(config.decision_method.categorical),
    };
  }

  /** The drift of the cell's window as it stands (advance it first), published as cell.drift. */
  compute(cell: CellReader, nowSeconds: number): DriftResult {
    const started = process.hrtime.bigint();
    try {
      this.computeInto(this.scratch, cell);
    } catch (error) {
      this.failures++;
      throw error;
    }
    const done = this.scratch;
    done.computedAt = nowSeconds;
    done.durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.scratch = cell.drift;
    cell.drift = done;
    return done;
  }

  private computeInto(result: DriftResult, cell: CellReader): void {
    cell.sumWindowInto(this.windowSum);
    const { layout } = this;
    let judged = 0;
    let drifted = 0;
    for (const slot of cell.referenceSlots) {
      const samples = this.slotSamples(slot);
      result.samples[slot.index] = samples;
      const at = slot.index * METHODS_PER_SLOT;
      if (samples < this.config.min_samples || samples === 0) {
        result.scores.fill(NaN, at, at + METHODS_PER_SLOT);
        result.noise.fill(NaN, at, at + METHODS_PER_SLOT);
        result.drifted[slot.index] = NaN;
        continue;
      }
      if (slot.kind === 'numeric') this.numericScores(slot, result.scores, at);
      else this.categoricalScores(slot, result.scores, at);
      this.noiseLevels(slot, samples, result.noise, at);
      const isDrifted = this.isDrifted(slot, result, at) ? 1 : 0;
      result.drifted[slot.index] = isDrifted;
      if (slot.index !== layout.prediction.index) {
        judged++;
        drifted += isDrifted;
      }
    }
    result.driftedShare = judged > 0 ? drifted / judged : NaN;
  }

  private slotSamples(slot: Slot): number {
    const bins = slotBinsOf(this.windowSum, slot);
    let n = 0;
    for (let b = 0; b < bins.length; b++) n += bins[b];
    return n;
  }

  private numericScores(slot: NumericSlot, out: Float64Array, at: number): void {
    const counts = slotBinsOf(this.windowSum, slot);
    const window = {
      counts,
      offsets: slotOffsetsOf(this.windowSum, slot),
      coarse: coarseCounts(counts, slot.coarseEnd, this.coarseWindow.subarray(0, slot.coarseEnd.length)),
    };
    numericSlotScores(slot, window, out, at);
  }

  private categoricalScores(slot: CategoricalSlot, out: Float64Array, at: number): void {
    categoricalSlotScores(slot.referenceCounts, slotBinsOf(this.windowSum, slot), out, at);
  }

  private noiseLevels(slot: Slot, samples: number, out: Float64Array, at: number): void {
    const { noise } = slot;
    const methods = methodsOf(slot);
    for (let m = 0; m < METHODS_PER_SLOT; m++) {
      out[at + m] = noise === null ? NaN : noiseLevelAt(noise.windows, noise.levels[m], samples, driftIsLow(methods[m]));
    }
  }

  private isDrifted(slot: Slot, result: DriftResult, at: number): boolean {
    const m = slot.kind === 'numeric' ? this.decision.numeric : this.decision.categorical;
    const method = methodsOf(slot)[m];
    return isDrift(method, result.scores[at + m], this.config.thresholds[method], result.noise[at + m]);
  }
}
