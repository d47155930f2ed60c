// The sum of several cells read as one: the whole model when it has variants (each variant
// has its own cell, and together they are every event). Each read adds the cells' values;
// its drift window is the sum of theirs, and it keeps a drift result of its own.
import type { Cell } from './cell.js';
import type { CellReader } from './cell-reader.js';
import { emptyDriftResult, type DriftResult } from './drift.js';
import type { ModelLayout, NumericSlot, Slot } from './layout.js';

export class CellSum implements CellReader {
  drift: DriftResult;
  readonly referenceSlots: readonly Slot[];
  private readonly coarse: Float64Array;
  private readonly window: Float64Array;

  constructor(
    layout: ModelLayout,
    readonly cells: readonly Cell[],
  ) {
    this.drift = emptyDriftResult(layout);
    this.referenceSlots = layout.slots;
    let maxCoarse = 0;
    for (const slot of layout.slots) if (slot.kind === 'numeric') maxCoarse = Math.max(maxCoarse, slot.coarseEnd.length);
    this.coarse = new Float64Array(maxCoarse);
    this.window = new Float64Array(layout.windowWidth);
  }

  private sum(read: (cell: Cell) => number): number {
    let total = 0;
    for (const cell of this.cells) total += read(cell);
    return total;
  }

  qualityCount(slot: Slot, counter: number): number {
    return this.sum((c) => c.qualityCount(slot, counter));
  }

  binCount(slot: Slot, bin: number): number {
    return this.sum((c) => c.binCount(slot, bin));
  }

  coarseCountsInto(slot: NumericSlot, out: Float64Array): void {
    const n = slot.coarseEnd.length;
    out.fill(0, 0, n);
    const part = this.coarse.subarray(0, n);
    for (const cell of this.cells) {
      cell.coarseCountsInto(slot, part);
      for (let i = 0; i < n; i++) out[i] += part[i];
    }
  }

  valueSum(slot: Slot): number {
    return this.sum((c) => c.valueSum(slot));
  }

  classCount(classIndex: number): number {
    return this.sum((c) => c.classCount(classIndex));
  }

  versionCount(versionIndex: number): number {
    return this.sum((c) => c.versionCount(versionIndex));
  }

  latencyBucketCount(bucket: number): number {
    return this.sum((c) => c.latencyBucketCount(bucket));
  }

  expectedCount(outcome: number): number {
    return this.sum((c) => c.expectedCount(outcome));
  }

  get latencySum(): number {
    return this.sum((c) => c.latencySum);
  }

  get latencyCount(): number {
    return this.sum((c) => c.latencyCount);
  }

  get unknownFields(): number {
    return this.sum((c) => c.unknownFields);
  }

  get nonFiniteLatencies(): number {
    return this.sum((c) => c.nonFiniteLatencies);
  }

  sumWindowInto(target: Float64Array): void {
    target.fill(0);
    for (const cell of this.cells) {
      cell.sumWindowInto(this.window);
      for (let i = 0; i < target.length; i++) target[i] += this.window[i];
    }
  }
}
