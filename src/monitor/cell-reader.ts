// What collectors and the drift computer read of a cell: a real Cell, or the sum of several
// (the whole model across its variants). Reads only; off the hot path.
import type { DriftResult } from './drift.js';
import type { NumericSlot, Slot } from './layout.js';

export interface CellReader {
  qualityCount(slot: Slot, counter: number): number;
  binCount(slot: Slot, bin: number): number;
  coarseCountsInto(slot: NumericSlot, out: Float64Array): void;
  valueSum(slot: Slot): number;
  classCount(classIndex: number): number;
  versionCount(versionIndex: number): number;
  latencyBucketCount(bucket: number): number;
  /** CBPE: the expected count of one outcome (E_TP, E_FP, E_FN, E_TN) since start. */
  expectedCount(outcome: number): number;
  readonly latencySum: number;
  readonly latencyCount: number;
  readonly unknownFields: number;
  readonly nonFiniteLatencies: number;
  /** Σ of the drift window's sub-windows still within it, into `target` (the layout's window width). */
  sumWindowInto(target: Float64Array): void;
  /** The last drift computed from the window. */
  drift: DriftResult;
  /** The slots with the reference this reader's drift is measured against (a segment value's own, or the whole). */
  readonly referenceSlots: readonly Slot[];
}
