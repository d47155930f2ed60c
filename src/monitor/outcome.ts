// What one event means for a model, resolved once and then applied to every cell it belongs
// to (its variant's cell and one cell per segment): per slot either a bin (with the
// out-of-range flag) or a quality outcome, plus the class, version and latency. Resolving
// once keeps the hot path's cost per extra cell to a few counter increments.
import type { Cell } from './cell.js';
import { BIN_MASK, OUT_OF_RANGE_FLAG, Q_MISSING, Q_NON_FINITE, Q_OUT_OF_RANGE, Q_TYPE_ERRORS, Q_VALUES, type ModelLayout } from './layout.js';

/** Slot codes below 0: what the slot's value was instead of a binnable one. */
export const SLOT_MISSING = -1;
export const SLOT_TYPE_ERROR = -2;
export const SLOT_NON_FINITE = -3;
/** Nothing to count for the slot (a binary prediction given as a label only). */
export const SLOT_NONE = -4;

const QUALITY_OF_CODE = [0, Q_MISSING, Q_TYPE_ERRORS, Q_NON_FINITE];

/** Latency buckets below 0: the event had none, or a NaN/±Infinity one (counted, kept out of the histogram). */
export const NO_LATENCY = -1;
export const NON_FINITE_LATENCY = -2;

export class EventOutcome {
  /** Per slot: bin | OUT_OF_RANGE_FLAG when >= 0, else a SLOT_* code. */
  readonly codes: Int32Array;
  /** Per numeric slot with a bin: the value (for sums). */
  readonly values: Float64Array;
  /** Class index to count, or -1. */
  predictedClass = -1;
  /** A second quality counter of the prediction slot (a bad label beside a score), or -1. */
  predictionQuality = -1;
  version = 0;
  /** Latency bucket, or NO_LATENCY / NON_FINITE_LATENCY. */
  latencyBucket = NO_LATENCY;
  latencySeconds = 0;
  unknownFields = 0;
  /** CBPE: the event's calibrated P(positive), NaN when it has none (no score, or CBPE off). */
  expectedPositive = Number.NaN;
  /** CBPE: the score is at or above the decision threshold. */
  predictedPositive = false;

  constructor(readonly layout: ModelLayout) {
    this.codes = new Int32Array(layout.slots.length);
    this.values = new Float64Array(layout.slots.length);
  }

  /** Add the event to `cell`. */
  applyTo(cell: Cell): void {
    const slots = this.layout.slots;
    const codes = this.codes;
    for (let i = 0; i < slots.length; i++) {
      const code = codes[i];
      const slot = slots[i];
      if (code < 0) {
        if (code !== SLOT_NONE) cell.countQuality(slot, QUALITY_OF_CODE[-code]);
        continue;
      }
      cell.countQuality(slot, Q_VALUES);
      if (code & OUT_OF_RANGE_FLAG) cell.countQuality(slot, Q_OUT_OF_RANGE);
      if (slot.kind === 'numeric') cell.addNumber(slot, code & BIN_MASK, this.values[i]);
      else cell.addCategory(slot, code & BIN_MASK);
    }
    if (this.predictedClass >= 0) cell.countClass(this.predictedClass);
    if (this.predictionQuality >= 0) cell.countQuality(this.layout.prediction, this.predictionQuality);
    cell.countVersion(this.version);
    if (this.latencyBucket >= 0) cell.addLatency(this.latencyBucket, this.latencySeconds);
    else if (this.latencyBucket === NON_FINITE_LATENCY) cell.countNonFiniteLatency();
    if (this.unknownFields > 0) cell.countUnknownFields(this.unknownFields);
    if (this.expectedPositive === this.expectedPositive) cell.addExpected(this.expectedPositive, this.predictedPositive);
  }
}
