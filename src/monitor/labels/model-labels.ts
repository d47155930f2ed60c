// A model's ground truth: predictions with an id are remembered in the join store, labels are
// read and joined to them, and each join adds to the realised performance of the prediction's
// cells (its variant's cell and its cell in each segment) and to the lag histogram. With
// label_store redis the join is the fleet's (redis/fleet-join.ts): the same counters, the same
// path into the cells, for the joins this process completes.
import type { ModelConfig } from '../../config/types.js';
import type { CellIndex } from '../cell-index.js';
import type { ModelLayout } from '../layout.js';
import { CellPerformance } from './cell-performance.js';
import { IdHash } from './id-hash.js';
import type { JoinCounts } from './join-counts.js';
import { JoinStore } from './join-store.js';
import type { FleetJoin, LabelBatch } from './redis/fleet-join.js';
import type { JoinedPrediction } from './redis/records.js';
import { LabelReader, type ReadLabel } from './label-item.js';
import type { LabelLine } from './label-line.js';
import { LagHistogram } from './lag.js';
import { buildPerformanceLayout, type PerformanceLayout } from './performance-layout.js';

/** A label refused before the store: LabelReader's message is in `problem`. */
export const LABEL_INVALID = 4;
/** A label handed to the fleet's store, answered once its pipeline returns. */
export const LABEL_QUEUED = 6;
/** A label line not read from its bytes: it must be parsed (nothing was counted). */
export const LINE_NOT_READ = -1;

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
  /** The fleet's join in Redis, when label_store is redis (then the in-process store is never made). */
  private fleetValue: FleetJoin | null = null;
  private readonly hash = new IdHash();
  private readonly reader: LabelReader;
  private readonly read: ReadLabel = { labelClass: -1, labelValue: NaN, timeMs: NaN };
  private readonly joinedPrediction: JoinedPrediction;

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
    this.joinedPrediction = { atMs: NaN, variant: 0, predictedClass: -1, value: NaN, segments: new Uint16Array(index.segments.length) };
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

  get fleet(): FleetJoin | null {
    return this.fleetValue;
  }

  /** Join through the fleet's store from now on (set once, before any id or label). */
  useFleet(make: (sink: (p: JoinedPrediction, labelClass: number, labelValue: number, lagSeconds: number) => void) => FleetJoin): void {
    this.fleetValue = make((p, labelClass, labelValue, lag) => this.addJoin(p, labelClass, labelValue, lag));
  }

  /** The counts of whichever store joins, or null before the in-process one is made. */
  get counts(): JoinCounts | null {
    return this.fleetValue ?? this.storeValue;
  }

  /** A prediction that carried an id (hot path: hashing in place, typed-array writes). */
  recordPrediction(id: unknown, variant: number, segments: ArrayLike<number>, predictedClass: number, value: number, nowMs: number): void {
    if (!this.hash.of(id)) return;
    if (this.fleetValue !== null) this.fleetValue.addPrediction(this.hash.h1, this.hash.h2, variant, segments, predictedClass, value, nowMs);
    else this.store.addPrediction(this.hash.h1, this.hash.h2, variant, segments, predictedClass, value, nowMs);
  }

  /** A label refused before any store (a line that did not parse). */
  countInvalid(): void {
    (this.counts ?? this.store).countInvalid();
  }

  /**
   * One label item for the fleet's store: LABEL_INVALID with `problem` set, or LABEL_QUEUED
   * with it added to `batch` (joinBatch answers it).
   */
  queueLabel(item: unknown, nowMs: number, batch: LabelBatch): number {
    this.received++;
    const problem = this.reader.read(item, this.read);
    if (problem !== null) {
      this.problem = problem;
      this.countInvalid();
      return LABEL_INVALID;
    }
    this.hash.of((item as { id: unknown }).id);
    this.queueRead(nowMs, batch);
    return LABEL_QUEUED;
  }

  /**
   * A label line read from its bytes (label-line.ts), for the fleet's store: LABEL_QUEUED with
   * it added to `batch`, or LINE_NOT_READ (nothing counted: parse it and call queueLabel).
   */
  queueLine(line: LabelLine, body: Buffer, nowMs: number, batch: LabelBatch): number {
    if (!this.reader.readLine(line, body, this.hash, this.read)) return LINE_NOT_READ;
    this.received++;
    this.queueRead(nowMs, batch);
    return LABEL_QUEUED;
  }

  private queueRead(nowMs: number, batch: LabelBatch): void {
    const { labelClass, labelValue, timeMs } = this.read;
    batch.h1.push(this.hash.h1);
    batch.h2.push(this.hash.h2);
    batch.labelClass.push(labelClass);
    batch.labelValue.push(labelValue);
    batch.labelMs.push(Number.isNaN(timeMs) ? nowMs : timeMs);
  }

  /** The queued labels' outcomes from the fleet's store, in order (LABEL_STORE_ERROR when it failed). */
  joinBatch(batch: LabelBatch, nowMs: number): Promise<Uint8Array> {
    return (this.fleetValue as FleetJoin).joinLabels(batch, nowMs);
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
    return this.storeRead(nowMs);
  }

  /**
   * A label line read from its bytes (label-line.ts): a LABEL_* answer of the store, or
   * LINE_NOT_READ when the line is not of the usual form (nothing counted: parse it and call
   * recordLabel, which gives the same answer a read line would have had).
   */
  recordLine(line: LabelLine, body: Buffer, nowMs: number): number {
    if (!this.reader.readLine(line, body, this.hash, this.read)) return LINE_NOT_READ;
    this.received++;
    return this.storeRead(nowMs);
  }

  private storeRead(nowMs: number): number {
    const { labelClass, labelValue, timeMs } = this.read;
    return this.store.addLabel(this.hash.h1, this.hash.h2, labelClass, labelValue, Number.isNaN(timeMs) ? nowMs : timeMs, nowMs);
  }

  /** Move the performance windows to `nowMs` (and sweep the store's expired records). */
  advance(nowMs: number): void {
    for (const cell of this.cells) cell.window.advance(nowMs);
    this.storeValue?.advance(nowMs);
  }

  private joined(store: JoinStore, record: number, labelClass: number, labelValue: number, lagSeconds: number): void {
    const p = this.joinedPrediction;
    p.variant = store.variant[record];
    for (let s = 0; s < p.segments.length; s++) p.segments[s] = store.segmentOf(record, s);
    p.predictedClass = store.predictedClass[record];
    p.value = store.value[record];
    this.addJoin(p, labelClass, labelValue, lagSeconds);
  }

  /** A joined pair, from either store: into the lag and the prediction's variant and segment cells. */
  private addJoin(p: JoinedPrediction, labelClass: number, labelValue: number, lagSeconds: number): void {
    this.lag.observe(lagSeconds);
    const index = this.index;
    this.addTo(this.cells[index.variantCell(p.variant)], p, labelClass, labelValue);
    for (let s = 0; s < index.segments.length; s++) this.addTo(this.cells[index.segmentCell(s, p.segments[s])], p, labelClass, labelValue);
  }

  private addTo(cell: CellPerformance, p: JoinedPrediction, labelClass: number, labelValue: number): void {
    if (this.performanceLayout.task === 'regression') cell.addRegression(labelValue, p.value);
    else cell.addClass(labelClass, p.predictedClass, p.value);
  }
}
