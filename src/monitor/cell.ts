// One cell of a model's state — today the whole model; with slices, one (variant, segment
// value) — over the model's single layout: its counters, cumulative bins, time-stamped drift
// window and last drift result. Every read and write of the cell's arrays goes through these
// methods, with offsets the layout fixed at start-up: nothing else computes an index into
// them. The arrays are plain data, so a cell serialises as it is. Writes run on the hot path:
// no allocation, no strings.
import { QUALITY_COUNTERS, Q_VALUES, type CategoricalSlot, type ModelLayout, type NumericSlot, type Slot } from './layout.js';
import { EXPECTED_COUNTS, E_FN, E_TP, R_ABSOLUTE, R_PREDICTIONS, R_SQUARED } from './cbpe-layout.js';
import { addOneVsRest } from '../stats/cbpe-multiclass.js';
import type { CellKey } from './cell-index.js';
import type { CellReader } from './cell-reader.js';
import { DIVERGENCE_METHODS } from './divergence.js';
import { emptyDriftResult, type DriftResult } from './drift.js';
import { TimeWindow } from './window.js';

/** Per-cell totals without a slot, in one array so the cell stays a set of typed arrays. */
const LATENCY_SUM = 0;
const LATENCY_COUNT = 1;
const UNKNOWN_FIELDS = 2;
/** A variant's predictions paired with the default variant's, and how they compared. */
const PAIRED = 3;
const AGREEING = 4;
const SCORED_PAIRS = 5;
const SCORE_DIFFERENCE = 6;
/** Latencies that were NaN or ±Infinity (kept out of the histogram). */
const LATENCY_NON_FINITE = 7;
const TOTALS = 8;

export interface CellShape {
  /** Latency histogram upper bounds (the +Inf bucket comes after them). */
  latencyBucketCount: number;
  /** Version indexes (the last is __other__). */
  versionCount: number;
  nowMs: number;
}

export class Cell implements CellReader {
  /**
   * Quality counters, slot-major (see qualityCount). A slot's values counted are its bins'
   * sum, so the event path writes no counter for them: the Q_VALUES entry holds only a base
   * (what a reload or a checkpoint carried beyond the bins; 0 otherwise).
   */
  readonly quality: Float64Array;
  /** Cumulative counts per bin since start (fine bins for numeric slots). */
  readonly bins: Float64Array;
  /** Per slot: sum of the numeric values binned (the histogram's _sum). */
  readonly sums: Float64Array;
  /** Predicted classes in the layout's class order, the last is __other__. */
  readonly classCounts: Float64Array;
  /** Accepted events per version index, the last is __other__. */
  readonly versionCounts: Float64Array;
  /** Latency histogram: non-cumulative bucket counts, the last is +Inf. */
  readonly latencyBuckets: Float64Array;
  readonly totals: Float64Array;
  readonly window: TimeWindow;
  /** The last drift computed from the window (NaN scores before the first). */
  drift: DriftResult;
  /** A variant's prediction divergence from the default variant, per method (NaN until computed). */
  readonly divergence: Float64Array;
  /** CBPE: expected TP, FP, FN, TN since start (cbpe-layout.ts order; per class for multiclass); zeros when CBPE is off. */
  readonly expected: Float64Array;

  constructor(
    readonly layout: ModelLayout,
    /** Which variant or segment value this cell holds. */
    readonly key: CellKey,
    shape: CellShape,
    /** The reference its drift is measured against: a segment value's own, else the whole. */
    readonly referenceSlots: readonly Slot[] = layout.slots,
  ) {
    const slots = layout.slots.length;
    this.quality = new Float64Array(slots * QUALITY_COUNTERS);
    this.bins = new Float64Array(layout.totalCumulativeBins);
    this.sums = new Float64Array(slots);
    this.classCounts = new Float64Array(layout.classNames.length);
    this.versionCounts = new Float64Array(shape.versionCount);
    this.latencyBuckets = new Float64Array(shape.latencyBucketCount + 1);
    this.totals = new Float64Array(TOTALS);
    const drift = layout.model.drift;
    this.window = new TimeWindow(drift.sub_windows, layout.windowWidth, (drift.window_seconds * 1000) / drift.sub_windows, shape.nowMs);
    this.drift = emptyDriftResult(layout);
    this.divergence = new Float64Array(DIVERGENCE_METHODS).fill(NaN);
    this.expected = new Float64Array(layout.cbpe?.counts ?? EXPECTED_COUNTS);
  }

  // --- writes (the hot path) ---

  /**
   * One event's binned values, resolved once for all its cells: per slot the bin's position in
   * the cumulative bins and in the recorded sub-window (-1 when not binned); a numeric slot's
   * offset sum beside its count takes the value's delta from the bin's lower edge, its sum the
   * value. The same writes as addNumber/addCategory, with every index computed before the cells.
   */
  addBinned(cumulativeAt: Int32Array, windowAt: Int32Array, numeric: Uint8Array, delta: Float64Array, values: Float64Array): void {
    const { bins, sums } = this;
    const window = this.window.target;
    for (let i = 0; i < windowAt.length; i++) {
      const w = windowAt[i];
      if (w < 0) continue;
      bins[cumulativeAt[i]]++;
      window[w]++;
      if (numeric[i] === 0) continue;
      window[w + 1] += delta[i];
      sums[i] += values[i];
    }
  }

  /** Any counter but Q_VALUES (a value binned counts as one through its bin). */
  countQuality(slot: Slot, counter: number): void {
    this.quality[slot.index * QUALITY_COUNTERS + counter]++;
  }

  /**
   * Set a counter to `total`, after the slot's bins are set (a reload's or a checkpoint's
   * carry-over): for Q_VALUES the base becomes what the bins do not hold.
   */
  setQualityCount(slot: Slot, counter: number, total: number): void {
    this.quality[slot.index * QUALITY_COUNTERS + counter] = counter === Q_VALUES ? total - this.binTotal(slot) : total;
  }

  /** After `quality` was filled with totals (as qualityTotals gives them) and `bins` with theirs: values counted back to a base. */
  rebaseQualityTotals(): void {
    for (const slot of this.layout.slots) this.quality[slot.index * QUALITY_COUNTERS + Q_VALUES] -= this.binTotal(slot);
  }

  /** Every quality counter as exported (slot-major, as `quality`): what a checkpoint holds. */
  qualityTotals(): Float64Array {
    const totals = this.quality.slice();
    for (const slot of this.layout.slots) totals[slot.index * QUALITY_COUNTERS + Q_VALUES] = this.qualityCount(slot, Q_VALUES);
    return totals;
  }

  /** A finite number into its fine bin: the cumulative coarse bin, the histogram sum, the window. */
  addNumber(slot: NumericSlot, bin: number, value: number): void {
    this.bins[slot.cumulativeOffset + slot.coarseOfFine[bin]]++;
    this.sums[slot.index] += value;
    const window = this.window.target;
    const at = slot.windowAt + 2 * bin;
    window[at]++;
    // Offsets from the bin's lower edge make the window's ∫F exact in every bin (stats/continuous.ts).
    window[at + 1] += value - slot.binLowerEdges[bin];
  }

  addCategory(slot: CategoricalSlot, bin: number): void {
    this.bins[slot.cumulativeOffset + bin]++;
    this.window.target[slot.windowAt + bin]++;
  }

  countClass(classIndex: number): void {
    this.classCounts[classIndex]++;
  }

  countVersion(versionIndex: number): void {
    this.versionCounts[versionIndex]++;
  }

  addLatency(bucket: number, seconds: number): void {
    this.latencyBuckets[bucket]++;
    this.totals[LATENCY_SUM] += seconds;
    this.totals[LATENCY_COUNT]++;
  }

  countNonFiniteLatency(): void {
    this.totals[LATENCY_NON_FINITE]++;
  }

  countUnknownFields(n: number): void {
    this.totals[UNKNOWN_FIELDS] += n;
  }

  /**
   * CBPE, p = the calibrated P(positive): a predicted positive adds p to TP and 1 − p to FP, a
   * predicted negative p to FN and 1 − p to TN; cumulative and in the window.
   */
  addExpected(p: number, predictedPositive: boolean): void {
    const at = predictedPositive ? E_TP : E_FN;
    this.expected[at] += p;
    this.expected[at + 1] += 1 - p;
    // The sub-window the event's bins went to (window_time event may aim elsewhere, or nowhere).
    const window = this.window.target;
    const windowAt = this.layout.cbpe?.windowAt ?? -1;
    if (windowAt < 0) return;
    window[windowAt + at] += p;
    window[windowAt + at + 1] += 1 - p;
  }

  /**
   * Multiclass CBPE, one-vs-rest: `p` the event's normalised calibrated probabilities, `predicted`
   * its class; cumulative and in the sub-window the event's bins went to.
   */
  addExpectedClasses(p: Float64Array, predicted: number, windowAt: number): void {
    addOneVsRest(this.expected, 0, p, predicted);
    addOneVsRest(this.window.target, windowAt, p, predicted);
  }

  /**
   * Regression: a prediction whose bin expects |e| `absolute` and e² `squared` (the reference's
   * error map); cumulative and in the sub-window the event's bins went to.
   */
  addExpectedError(absolute: number, squared: number, windowAt: number): void {
    const expected = this.expected;
    expected[R_PREDICTIONS]++;
    expected[R_ABSOLUTE] += absolute;
    expected[R_SQUARED] += squared;
    const window = this.window.target;
    window[windowAt + R_PREDICTIONS]++;
    window[windowAt + R_ABSOLUTE] += absolute;
    window[windowAt + R_SQUARED] += squared;
  }

  /** A pair with the default variant: same class (null when either has none), |Δscore| (NaN when either has none). */
  countPair(sameClass: boolean | null, scoreDifference: number): void {
    this.totals[PAIRED]++;
    if (sameClass === true) this.totals[AGREEING]++;
    if (!Number.isNaN(scoreDifference)) {
      this.totals[SCORED_PAIRS]++;
      this.totals[SCORE_DIFFERENCE] += scoreDifference;
    }
  }

  /** A reload's carry-over (carry-counters.ts): the totals of `from`, its latency histogram too when `withLatency` (same buckets). */
  carryTotalsFrom(from: Cell, withLatency: boolean): void {
    const sum = this.totals[LATENCY_SUM];
    const count = this.totals[LATENCY_COUNT];
    this.totals.set(from.totals);
    if (withLatency) this.latencyBuckets.set(from.latencyBuckets);
    else {
      // A histogram's _count is the sum of its buckets: sum and count stay with the buckets.
      this.totals[LATENCY_SUM] = sum;
      this.totals[LATENCY_COUNT] = count;
    }
  }

  /** Bytes of this cell's arrays. */
  get bytes(): number {
    let total = this.quality.byteLength + this.bins.byteLength + this.sums.byteLength + this.classCounts.byteLength;
    total += this.versionCounts.byteLength + this.latencyBuckets.byteLength + this.totals.byteLength + this.expected.byteLength;
    for (const sub of this.window.subWindows) total += sub.byteLength;
    return total + this.window.buckets.byteLength + this.drift.scores.byteLength + this.drift.samples.byteLength + this.drift.drifted.byteLength;
  }

  // --- reads (scrapes, drift, tests) ---

  qualityCount(slot: Slot, counter: number): number {
    const stored = this.quality[slot.index * QUALITY_COUNTERS + counter];
    return counter === Q_VALUES ? stored + this.binTotal(slot) : stored;
  }

  /** Σ of the slot's cumulative bins: every value binned, in range or not. */
  private binTotal(slot: Slot): number {
    let total = 0;
    const end = slot.cumulativeOffset + slot.cumulativeCount;
    for (let at = slot.cumulativeOffset; at < end; at++) total += this.bins[at];
    return total;
  }

  /** Cumulative count of bin `bin` of the slot (coarse bin for numeric, category for categorical). */
  binCount(slot: Slot, bin: number): number {
    return this.bins[slot.cumulativeOffset + bin];
  }

  /** The slot's cumulative bin counts (coarse for numeric): a view, for code off the hot path. */
  slotBins(slot: Slot): Float64Array {
    return this.bins.subarray(slot.cumulativeOffset, slot.cumulativeOffset + slot.cumulativeCount);
  }

  /** The slot's cumulative counts per coarse bin (the exported histogram's buckets) into `out`. */
  coarseCountsInto(slot: NumericSlot, out: Float64Array): void {
    // A copy without a view: this runs per slot and cell at every scrape.
    const from = slot.cumulativeOffset;
    for (let c = 0; c < slot.cumulativeCount; c++) out[c] = this.bins[from + c];
  }

  classCount(classIndex: number): number {
    return this.classCounts[classIndex];
  }

  versionCount(versionIndex: number): number {
    return this.versionCounts[versionIndex];
  }

  valueSum(slot: Slot): number {
    return this.sums[slot.index];
  }

  latencyBucketCount(bucket: number): number {
    return this.latencyBuckets[bucket];
  }

  /** Σ over the window's sub-windows into `target`, in the read layout (slotBinsOf, slotOffsetsOf). */
  sumWindowInto(target: Float64Array): void {
    this.window.sumInto(target, this.layout.windowReadOrder);
  }

  expectedCount(outcome: number): number {
    return this.expected[outcome];
  }

  get latencySum(): number {
    return this.totals[LATENCY_SUM];
  }

  get latencyCount(): number {
    return this.totals[LATENCY_COUNT];
  }

  get unknownFields(): number {
    return this.totals[UNKNOWN_FIELDS];
  }

  get nonFiniteLatencies(): number {
    return this.totals[LATENCY_NON_FINITE];
  }

  get pairs(): { paired: number; agreeing: number; scored: number; scoreDifference: number } {
    const t = this.totals;
    return { paired: t[PAIRED], agreeing: t[AGREEING], scored: t[SCORED_PAIRS], scoreDifference: t[SCORE_DIFFERENCE] };
  }
}
