// What one event means for a model, resolved once and then applied to every cell it belongs
// to (its variant's cell and one cell per segment): per slot either a bin (with the
// out-of-range flag) or a quality outcome, plus the class, version and latency. Resolving
// once keeps the hot path's cost per extra cell to a few counter increments.
import type { Cell } from './cell.js';
import { BIN_MASK, OUT_OF_RANGE_FLAG, Q_MISSING, Q_NON_FINITE, Q_OUT_OF_RANGE, Q_TYPE_ERRORS, type ModelLayout } from './layout.js';

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
  /** Regression: the reference's expected |e| at the prediction's bin, NaN when it has none (no value, or no error map). */
  expectedAbsError = Number.NaN;
  /** Regression: the expected e² at the same bin. */
  expectedSquaredError = Number.NaN;
  /** Multiclass CBPE: the predicted class the probabilities are for, -1 when the event has none. */
  expectedClass = -1;
  /** Multiclass CBPE: the normalised calibrated P(class) per class (empty when CBPE is off). */
  readonly classProbabilities: Float64Array;
  private readonly expectedWindowAt: number;

  /** Per slot, where its bin is in a cell's recorded sub-window (-1: not binned); set by place(). */
  private readonly windowAt: Int32Array;
  /** Per slot with a bin: where it counts in a cell's cumulative bins. */
  private readonly cumulativeAt: Int32Array;
  /** Per numeric slot with a bin: the value minus the bin's lower edge. */
  private readonly delta: Float64Array;
  /** Quality outcomes other than a value, or an out-of-range one: the rare path of applyTo. */
  private irregular = false;

  constructor(readonly layout: ModelLayout) {
    const slots = layout.slots.length;
    this.codes = new Int32Array(slots);
    this.values = new Float64Array(slots);
    this.windowAt = new Int32Array(slots);
    this.cumulativeAt = new Int32Array(slots);
    this.delta = new Float64Array(slots);
    const cbpe = layout.cbpe;
    this.classProbabilities = new Float64Array(cbpe?.kind === 'multiclass' ? cbpe.classes : 0);
    this.expectedWindowAt = cbpe?.windowAt ?? -1;
  }

  /** After the slots are resolved: each bin's positions, computed once for every cell of the event. */
  place(): void {
    const { codes, windowAt, cumulativeAt, delta, values } = this;
    const { slotBinOffsets, slotWindowAt, slotNumeric, cumulativeOfBin, binLowerEdges } = this.layout;
    let irregular = false;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (code < 0) {
        windowAt[i] = -1;
        irregular ||= code !== SLOT_NONE;
        continue;
      }
      if (code & OUT_OF_RANGE_FLAG) irregular = true;
      const bin = code & BIN_MASK;
      const at = slotBinOffsets[i] + bin;
      cumulativeAt[i] = cumulativeOfBin[at];
      if (slotNumeric[i] === 1) {
        windowAt[i] = slotWindowAt[i] + 2 * bin;
        delta[i] = values[i] - binLowerEdges[at];
      } else windowAt[i] = slotWindowAt[i] + bin;
    }
    this.irregular = irregular;
  }

  /** Add the event to `cell`, its only cell. */
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
      if (code & OUT_OF_RANGE_FLAG) cell.countQuality(slot, Q_OUT_OF_RANGE);
      if (slot.kind === 'numeric') cell.addNumber(slot, code & BIN_MASK, this.values[i]);
      else cell.addCategory(slot, code & BIN_MASK);
    }
    this.applyCounts(cell);
  }

  /** Add the event to `cell`, one of several (after place()): the same writes as applyTo. */
  applyPlaced(cell: Cell): void {
    cell.addBinned(this.cumulativeAt, this.windowAt, this.layout.slotNumeric, this.delta, this.values);
    if (this.irregular) this.countIrregular(cell);
    this.applyCounts(cell);
  }

  /** Class, version, latency, unknown fields and the CBPE counts. */
  private applyCounts(cell: Cell): void {
    if (this.predictedClass >= 0) cell.countClass(this.predictedClass);
    if (this.predictionQuality >= 0) cell.countQuality(this.layout.prediction, this.predictionQuality);
    cell.countVersion(this.version);
    if (this.latencyBucket >= 0) cell.addLatency(this.latencyBucket, this.latencySeconds);
    else if (this.latencyBucket === NON_FINITE_LATENCY) cell.countNonFiniteLatency();
    if (this.unknownFields > 0) cell.countUnknownFields(this.unknownFields);
    if (this.expectedPositive === this.expectedPositive) cell.addExpected(this.expectedPositive, this.predictedPositive);
    else if (this.expectedClass >= 0) cell.addExpectedClasses(this.classProbabilities, this.expectedClass, this.expectedWindowAt);
    else if (this.expectedAbsError === this.expectedAbsError) cell.addExpectedError(this.expectedAbsError, this.expectedSquaredError, this.expectedWindowAt);
  }

  /** Missing values, type errors, non-finite and out-of-range values of the event. */
  private countIrregular(cell: Cell): void {
    const slots = this.layout.slots;
    const codes = this.codes;
    for (let i = 0; i < slots.length; i++) {
      const code = codes[i];
      if (code < 0) {
        if (code !== SLOT_NONE) cell.countQuality(slots[i], QUALITY_OF_CODE[-code]);
      } else if (code & OUT_OF_RANGE_FLAG) cell.countQuality(slots[i], Q_OUT_OF_RANGE);
    }
  }
}
