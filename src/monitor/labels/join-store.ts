// The in-process label join: predictions that carry an id wait here for their ground-truth
// label, and labels that come first wait for their prediction, within one bound. A record is
// compact — the id's two hashes, arrival time, the prediction's cell (variant and segment
// values), predicted class and score or value — never a feature. Records live in a ring in
// arrival order, so the oldest is evicted first when the bound is reached and the TTL sweep
// walks from the front; a hash index finds a record by id. Everything is typed arrays and a
// few numbers (snapshot/restore), so a checkpoint can write it as is.
import { JoinIndex } from './join-index.js';

/** Why a label found no prediction to join, in the order of JoinStore.unmatched. */
export const UNMATCHED_REASONS = ['expired', 'unknown_id', 'evicted', 'duplicate', 'invalid'] as const;
export type UnmatchedReason = (typeof UNMATCHED_REASONS)[number];
export const EXPIRED = 0;
export const UNKNOWN_ID = 1;
export const EVICTED = 2;
export const DUPLICATE = 3;
export const INVALID = 4;

/** What a pending record holds; what was evicted, by kind (JoinStore.evictions). */
export const PENDING_KINDS = ['prediction', 'label'] as const;

// Record states.
const FREE = 0;
/** A prediction waiting for its label. */
const PREDICTION = 1;
/** A label waiting for its prediction. */
const LABEL = 2;
/** Joined (or answered): kept until the TTL so a second label is known as a duplicate. */
const DONE = 3;
/** A prediction past the TTL: a label that still comes is counted expired. */
const STALE = 4;

/** What the store answers for a label. */
export const LABEL_JOINED = 0;
export const LABEL_WAITING = 1;
export const LABEL_DUPLICATE = 2;
export const LABEL_EXPIRED = 3;

/** A joined pair: the record holds the prediction (recordVariant etc.), the arguments the label. */
export type JoinSink = (store: JoinStore, record: number, labelClass: number, labelValue: number, lagSeconds: number) => void;

/** The store as plain data, for checkpoints. */
export interface JoinStoreSnapshot {
  h1: Uint32Array;
  h2: Uint32Array;
  at: Float64Array;
  value: Float64Array;
  predictedClass: Int16Array;
  variant: Uint16Array;
  segmentValues: Uint16Array;
  state: Uint8Array;
  index: Int32Array;
  /** first, end, swept, nowMs, pendingPredictions, pendingLabels. */
  cursors: Float64Array;
  counters: Float64Array;
}

export class JoinStore {
  readonly h1: Uint32Array;
  readonly h2: Uint32Array;
  /** Arrival time, Unix ms (the store's clock, never going back). */
  readonly at: Float64Array;
  /** The prediction's score (binary), value (regression) or NaN; a waiting label's number. */
  readonly value: Float64Array;
  /** The predicted class (-1 none); a waiting label's class. */
  readonly predictedClass: Int16Array;
  readonly variant: Uint16Array;
  /** `segmentCount` values per record: the value index of each segment feature. */
  readonly segmentValues: Uint16Array;
  readonly state: Uint8Array;
  private readonly index: JoinIndex;
  /** Sequence numbers: the oldest record, one past the newest, the first not yet swept. */
  private first = 0;
  private end = 0;
  private swept = 0;
  private nowMs = -Infinity;
  pendingPredictions = 0;
  pendingLabels = 0;
  /** Labels joined. */
  joined = 0;
  /** Labels that found no prediction, by UNMATCHED_REASONS. */
  readonly unmatched = new Float64Array(UNMATCHED_REASONS.length);
  /** Pending records pushed out by the bound, by PENDING_KINDS. */
  readonly evictions = new Float64Array(PENDING_KINDS.length);
  /** Predictions with an id (each may later be joined). */
  predictionsWithId = 0;
  /** A second prediction with an id already pending or joined: the first one is kept. */
  duplicatePredictions = 0;

  constructor(
    readonly capacity: number,
    readonly ttlMs: number,
    readonly segmentCount: number,
    private readonly sink: JoinSink,
  ) {
    this.h1 = new Uint32Array(capacity);
    this.h2 = new Uint32Array(capacity);
    this.at = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.predictedClass = new Int16Array(capacity);
    this.variant = new Uint16Array(capacity);
    this.segmentValues = new Uint16Array(capacity * segmentCount);
    this.state = new Uint8Array(capacity);
    this.index = new JoinIndex(capacity, this.h1, this.h2);
  }

  /** Records in the ring (pending, joined within the TTL, or stale). */
  get size(): number {
    return this.end - this.first;
  }

  get bytes(): number {
    const arrays = [this.h1, this.h2, this.at, this.value, this.predictedClass, this.variant, this.segmentValues, this.state, this.index.slots];
    let total = 0;
    for (const a of arrays) total += a.byteLength;
    return total;
  }

  /**
   * A prediction with id hashes (a, b); `segments` holds its segment value indexes. Joins a
   * waiting label at once. Hot path: no allocation.
   */
  addPrediction(a: number, b: number, variant: number, segments: ArrayLike<number>, predictedClass: number, value: number, nowMs: number): void {
    this.advance(nowMs);
    this.predictionsWithId++;
    const slot = this.index.find(a, b);
    if (slot >= 0) {
      const record = this.index.recordAt(slot);
      const state = this.state[record];
      if (state === LABEL) {
        const labelClass = this.predictedClass[record];
        const labelValue = this.value[record];
        this.writePrediction(record, variant, segments, predictedClass, value);
        this.state[record] = DONE;
        this.pendingLabels--;
        this.joined++;
        // The label came first: no lag to measure beyond zero.
        this.sink(this, record, labelClass, labelValue, 0);
        return;
      }
      if (state !== STALE) {
        this.duplicatePredictions++;
        return;
      }
      // The id comes back after its old prediction went stale: the new one takes its place.
      this.index.remove(slot);
      this.state[record] = FREE;
    }
    const record = this.append(a, b);
    this.writePrediction(record, variant, segments, predictedClass, value);
    this.state[record] = PREDICTION;
    this.pendingPredictions++;
  }

  /** A label (class index or number) arriving at `nowMs`, labelled at `labelMs`. */
  addLabel(a: number, b: number, labelClass: number, labelValue: number, labelMs: number, nowMs: number): number {
    this.advance(nowMs);
    const slot = this.index.find(a, b);
    if (slot >= 0) {
      const record = this.index.recordAt(slot);
      const state = this.state[record];
      if (state === PREDICTION) {
        this.state[record] = DONE;
        this.pendingPredictions--;
        this.joined++;
        this.sink(this, record, labelClass, labelValue, Math.max(0, (labelMs - this.at[record]) / 1000));
        return LABEL_JOINED;
      }
      if (state === STALE) {
        this.state[record] = DONE;
        this.unmatched[EXPIRED]++;
        return LABEL_EXPIRED;
      }
      this.unmatched[DUPLICATE]++;
      return LABEL_DUPLICATE;
    }
    const record = this.append(a, b);
    this.predictedClass[record] = labelClass;
    this.value[record] = labelValue;
    this.state[record] = LABEL;
    this.pendingLabels++;
    return LABEL_WAITING;
  }

  /** A label refused before it reached the store (bad id, label type or class). */
  countInvalid(n = 1): void {
    this.unmatched[INVALID] += n;
  }

  /** Move the store's clock and sweep the records past the TTL. */
  advance(nowMs: number): void {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    const oldest = this.nowMs - this.ttlMs;
    const { capacity, at, state } = this;
    if (this.swept < this.first) this.swept = this.first;
    while (this.swept < this.end) {
      const record = this.swept % capacity;
      if (at[record] >= oldest) return;
      this.swept++;
      const s = state[record];
      if (s === PREDICTION) {
        // Kept (stale) until the ring reuses it, so a late label is told from an unknown one.
        state[record] = STALE;
        this.pendingPredictions--;
      } else if (s === LABEL) {
        this.unmatched[UNKNOWN_ID]++;
        this.pendingLabels--;
        this.drop(record);
      } else if (s === DONE) {
        this.drop(record);
      }
    }
  }

  /** Segment value `s` of a record. */
  segmentOf(record: number, s: number): number {
    return this.segmentValues[record * this.segmentCount + s];
  }

  private writePrediction(record: number, variant: number, segments: ArrayLike<number>, predictedClass: number, value: number): void {
    this.variant[record] = variant;
    const base = record * this.segmentCount;
    for (let s = 0; s < this.segmentCount; s++) this.segmentValues[base + s] = segments[s];
    this.predictedClass[record] = predictedClass;
    this.value[record] = value;
  }

  /** A new record at the ring's end (evicting the oldest when full), indexed. */
  private append(a: number, b: number): number {
    if (this.end - this.first === this.capacity) this.evictOldest();
    const record = this.end % this.capacity;
    this.end++;
    this.h1[record] = a;
    this.h2[record] = b;
    this.at[record] = this.nowMs;
    this.index.insert(record);
    return record;
  }

  private evictOldest(): void {
    const record = this.first % this.capacity;
    this.first++;
    const s = this.state[record];
    if (s === PREDICTION) {
      this.evictions[0]++;
      this.pendingPredictions--;
    } else if (s === LABEL) {
      this.evictions[1]++;
      this.unmatched[EVICTED]++;
      this.pendingLabels--;
    }
    if (s !== FREE) this.drop(record);
  }

  /** Unindex a record and free it. */
  private drop(record: number): void {
    const slot = this.index.find(this.h1[record], this.h2[record]);
    if (slot >= 0 && this.index.recordAt(slot) === record) this.index.remove(slot);
    this.state[record] = FREE;
  }

  snapshot(): JoinStoreSnapshot {
    const cursors = Float64Array.of(this.first, this.end, this.swept, this.nowMs, this.pendingPredictions, this.pendingLabels);
    const counters = Float64Array.of(this.joined, this.predictionsWithId, this.duplicatePredictions, ...this.unmatched, ...this.evictions);
    return {
      h1: this.h1.slice(), h2: this.h2.slice(), at: this.at.slice(), value: this.value.slice(),
      predictedClass: this.predictedClass.slice(), variant: this.variant.slice(), segmentValues: this.segmentValues.slice(),
      state: this.state.slice(), index: this.index.slots.slice(), cursors, counters,
    };
  }

  /** Take a snapshot's contents; false (nothing changed) when its shape differs from this store's. */
  restore(snapshot: JoinStoreSnapshot): boolean {
    if (snapshot.h1.length !== this.capacity || snapshot.index.length !== this.index.slots.length) return false;
    if (snapshot.segmentValues.length !== this.segmentValues.length || snapshot.counters.length !== 3 + UNMATCHED_REASONS.length + PENDING_KINDS.length) return false;
    this.h1.set(snapshot.h1);
    this.h2.set(snapshot.h2);
    this.at.set(snapshot.at);
    this.value.set(snapshot.value);
    this.predictedClass.set(snapshot.predictedClass);
    this.variant.set(snapshot.variant);
    this.segmentValues.set(snapshot.segmentValues);
    this.state.set(snapshot.state);
    this.index.slots.set(snapshot.index);
    [this.first, this.end, this.swept, this.nowMs, this.pendingPredictions, this.pendingLabels] = snapshot.cursors;
    const c = snapshot.counters;
    [this.joined, this.predictionsWithId, this.duplicatePredictions] = c;
    this.unmatched.set(c.subarray(3, 3 + UNMATCHED_REASONS.length));
    this.evictions.set(c.subarray(3 + UNMATCHED_REASONS.length));
    return true;
  }
}
