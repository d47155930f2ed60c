// A model's ground truth: predictions with an id are remembered in the join store, labels are
// read and joined to them, and each join adds to the realised performance of the prediction's
// cells (its variant's cell and its cell in each segment) and to the lag histogram.
import type { ModelConfig } from '../../config/types.js';
import type { CellIndex } from '../cell-index.js';
import type { ModelLayout } from '../layout.js';
import { CellPerformance } from './cell-performance.js';
import { IdHash } from './id-hash.js';
import { JoinStore } from './join-store.js';
import { LabelReader, type ReadLabel } from './label-item.js';
import { LagHistogram } from './lag.js';
import { buildPerformanceLayout, type PerformanceLayout } from './performance-layout.js';

/** A label refused before the store: LabelReader's message is in `problem`. */
export const LABEL_INVALID = 4;

export class ModelLabels {
  readonly performanceLayout: PerformanceLayout;
  /** One per cell of the model, in the state's cell order. */
  readonly cells: CellPerformance[];
  readonly lag = new LagHistogram();
  /** Label items received (every item of every request, bad ones too). */
  received = 0;
  /** Why the last label was invalid. */
  problem = '';
  private storeValue: JoinStore | null = null;
  private readonly hash = new IdHash();
  private readonly reader: LabelReader;
  private readonly read: ReadLabel = { labelClass: -1, labelValue: NaN, timeMs: NaN };

  constructor(
    readonly model: ModelConfig,
    layout: ModelLayout,
    private readonly index: CellIndex,
    nowMs: number,
  ) {
    this.performanceLayout = buildPerformanceLayout(layout);
    const drift = model.drift;
    const bucketMs = (drift.window_seconds * 1000) / drift.sub_windows;
    this.cells = index.keys.map(() => new CellPerformance(this.performanceLayout, drift.sub_windows, bucketMs, nowMs));
    this.reader = new LabelReader(model);
  }

  /** The join store, made at the first id or label (a model that never sees one holds none). */
  get store(): JoinStore {
    this.storeValue ??= new JoinStore(this.model.max_pending_labels, this.model.label_ttl_seconds * 1000, this.index.segments.length, (store, record, labelClass, labelValue, lag) =>
      this.joined(store, record, labelClass, labelValue, lag),
    );
    return this.storeValue;
  }

  get hasStore(): boolean {
    return this.storeValue !== null;
  }

  /** A prediction that carried an id (hot path: hashing in place, typed-array writes). */
  recordPrediction(id: unknown, variant: number, segments: ArrayLike<number>, predictedClass: number, value: number, nowMs: number): void {
    if (!this.hash.of(id)) return;
    this.store.addPrediction(this.hash.h1, this.hash.h2, variant, segments, predictedClass, value, nowMs);
  }

  /** One label item: a LABEL_* answer of the store, or LABEL_INVALID with `problem` set. */
  recordLabel(item: unknown, nowMs: number): number {
    this.received++;
    const problem = this.reader.read(item, this.read);
    if (problem !== null) {
      this.problem = problem;
      this.store.countInvalid();
      return LABEL_INVALID;
    }
    this.hash.of((item as { id: unknown }).id);
    const { labelClass, labelValue, timeMs } = this.read;
    return this.store.addLabel(this.hash.h1, this.hash.h2, labelClass, labelValue, Number.isNaN(timeMs) ? nowMs : timeMs, nowMs);
  }

  /** Move the performance windows to `nowMs` (and sweep the store's expired records). */
  advance(nowMs: number): void {
    for (const cell of this.cells) cell.window.advance(nowMs);
    this.storeValue?.advance(nowMs);
  }

  private joined(store: JoinStore, record: number, labelClass: number, labelValue: number, lagSeconds: number): void {
    this.lag.observe(lagSeconds);
    const index = this.index;
    this.addTo(this.cells[index.variantCell(store.variant[record])], store, record, labelClass, labelValue);
    for (let s = 0; s < index.segments.length; s++) {
      this.addTo(this.cells[index.segmentCell(s, store.segmentOf(record, s))], store, record, labelClass, labelValue);
    }
  }

  private addTo(cell: CellPerformance, store: JoinStore, record: number, labelClass: number, labelValue: number): void {
    if (this.performanceLayout.task === 'regression') cell.addRegression(labelValue, store.value[record]);
    else cell.addClass(labelClass, store.predictedClass[record], store.value[record]);
  }
}
