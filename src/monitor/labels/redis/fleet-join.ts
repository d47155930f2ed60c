// One model's label join shared by a fleet of replicas through Redis (label_store: redis):
// the same answers and counters as the in-process JoinStore, but a label may come to another
// replica than its prediction. Predictions with an id go into a bounded outbox on the hot path
// and are flushed by one EVALSHA of a script for the batch (every FLUSH_MS, or at once when
// FLUSH_RECORDS wait); a request's labels go in one pipeline, a script call each. The scripts (scripts.ts)
// decide atomically, so a join is completed — and added to realised performance, through the
// sink — by exactly one process of the fleet. When Redis is away, predictions keep being
// monitored and wait in the outbox (the oldest dropped when it is full), labels are answered
// with an error, and each failure is counted by operation (mlwatch_label_store_errors_total).
import type { ChainableCommander } from 'ioredis';
import type { CellIndex } from '../../cell-index.js';
import type { JoinCounts } from '../join-counts.js';
import { DUPLICATE, EVICTED, EXPIRED, INVALID, LABEL_DUPLICATE, LABEL_EXPIRED, LABEL_JOINED, LABEL_WAITING, PENDING_KINDS, UNKNOWN_ID, UNMATCHED_REASONS } from '../join-store.js';
import type { LabelStoreConnection, Replies } from './connection.js';
import { Outbox } from './outbox.js';
import { idText, labelRecord, predictionRecord, readLabel, readPrediction, type JoinedPrediction, type WaitingLabel } from './records.js';
import { SCRIPTS } from './scripts.js';

/** What failed, for mlwatch_label_store_errors_total's `operation`. */
export const STORE_OPERATIONS = ['write', 'join', 'sweep'] as const;
const WRITE = 0;
const JOIN = 1;
const SWEEP = 2;

/** A label the store could not answer (Redis unreachable or failing). */
export const LABEL_STORE_ERROR = 5;

const FLUSH_MS = 20;
const FLUSH_RECORDS = 500;
/** Predictions that may wait for Redis: about 20 s of 500 per second, ~0.4 MB. */
export const OUTBOX_RECORDS = 10_000;
/** While Redis is away, look again this often (the outbox keeps filling meanwhile). */
const NOT_READY_MS = 200;
const SWEEP_MS = 1000;
const SWEEP_LIMIT = 1000;

export type FleetJoinSink = (prediction: JoinedPrediction, labelClass: number, labelValue: number, lagSeconds: number) => void;

/** A request's valid labels, in item order (plain arrays: the label path is not the hot one). */
export interface LabelBatch {
  h1: number[];
  h2: number[];
  labelClass: number[];
  labelValue: number[];
  labelMs: number[];
}

export class FleetJoin implements JoinCounts {
  joined = 0;
  readonly unmatched = new Float64Array(UNMATCHED_REASONS.length);
  readonly evictions = new Float64Array(PENDING_KINDS.length);
  predictionsWithId = 0;
  duplicatePredictions = 0;
  pendingPredictions = 0;
  pendingLabels = 0;
  /** Failures by STORE_OPERATIONS (a prediction record, a label, a sweep). */
  readonly errors = new Float64Array(STORE_OPERATIONS.length);
  /** Pipelines and script calls sent (for the cost per prediction). */
  roundTrips = 0;
  readonly outbox: Outbox;
  private readonly zp: string;
  private readonly zl: string;
  private readonly prediction: JoinedPrediction;
  private readonly label: WaitingLabel = { labelClass: -1, labelValue: NaN };
  private flushing = false;
  private inFlight: Promise<void> | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly connection: LabelStoreConnection,
    /** The model's key prefix (records.ts modelKeyBase). */
    readonly base: string,
    private readonly ttlMs: number,
    private readonly maxPending: number,
    private readonly index: CellIndex,
    private readonly sink: FleetJoinSink,
    private readonly clock: () => number,
    outboxRecords = OUTBOX_RECORDS,
  ) {
    this.outbox = new Outbox(outboxRecords, index.segments.length);
    this.zp = `${base}zp`;
    this.zl = `${base}zl`;
    this.prediction = { atMs: NaN, variant: 0, predictedClass: -1, value: NaN, segments: new Uint16Array(index.segments.length) };
  }

  get bytes(): number {
    return this.outbox.bytes;
  }

  /** A prediction with id hashes (a, b) (hot path: typed-array writes, no wait, no allocation). */
  addPrediction(a: number, b: number, variant: number, segments: ArrayLike<number>, predictedClass: number, value: number, nowMs: number): void {
    this.predictionsWithId++;
    const dropped = this.outbox.dropped;
    this.outbox.push(a, b, variant, segments, predictedClass, value, nowMs);
    if (this.outbox.dropped !== dropped) this.errors[WRITE]++;
    this.schedule();
  }

  countInvalid(n = 1): void {
    this.unmatched[INVALID] += n;
  }

  /** The sweep timer (TTL and pending counts); never keeps the process alive. */
  start(): void {
    this.stopped = false;
    this.sweeper ??= setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
    this.schedule();
  }

  /** Stop the timers and send what waits (once; its joins still count here). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
    this.cancel();
    await this.inFlight;
    while (this.outbox.count > 0 && this.connection.ready) await this.flush();
  }

  private schedule(): void {
    if (this.flushing || this.stopped || this.outbox.count === 0) return;
    if (this.outbox.count >= FLUSH_RECORDS) {
      if (this.immediate !== null) return;
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.immediate = setImmediate(this.run);
    } else if (this.timer === null && this.immediate === null) {
      this.timer = setTimeout(this.run, FLUSH_MS);
      this.timer.unref();
    }
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private readonly run = (): void => {
    this.timer = null;
    this.immediate = null;
    void this.flush();
  };

  /** Send up to FLUSH_RECORDS waiting predictions in one script call; never rejects. */
  flush(): Promise<void> {
    if (this.flushing) return this.inFlight ?? Promise.resolve();
    const sent: Promise<void> = this.send().finally(() => {
      if (this.inFlight === sent) this.inFlight = null;
    });
    this.inFlight = sent;
    return sent;
  }

  private async send(): Promise<void> {
    if (this.outbox.count === 0) return;
    if (!this.connection.ready) {
      // Keep them (bounded) until Redis is back.
      if (!this.stopped && this.timer === null) {
        this.timer = setTimeout(this.run, NOT_READY_MS);
        this.timer.unref();
      }
      return;
    }
    this.flushing = true;
    const { outbox } = this;
    const n = Math.min(outbox.count, FLUSH_RECORDS);
    const { sha, keys } = SCRIPTS.predictions;
    const args: (string | number)[] = [sha, keys, this.zp, this.zl, this.ttlMs, this.maxPending, this.base];
    const records: string[] = new Array<string>(n);
    for (let k = 0; k < n; k++) {
      const r = outbox.position(k);
      records[k] = predictionRecord(outbox.at[r], outbox.variant[r], outbox.predictedClass[r], outbox.value[r], outbox.segmentsOf(r));
      args.push(idText(outbox.h1[r], outbox.h2[r]), outbox.at[r], records[k]);
    }
    outbox.shift(n);
    this.roundTrips++;
    try {
      const [[error, reply]] = await this.connection.calls(1, (p) => p.call('EVALSHA', args));
      if (error !== null || !Array.isArray(reply)) this.errors[WRITE] += n;
      else this.settlePredictions(reply as (number | string)[], records);
    } catch {
      this.errors[WRITE] += n;
    } finally {
      this.flushing = false;
      this.schedule();
    }
  }

  private settlePredictions(reply: readonly (number | string)[], records: readonly string[]): void {
    this.countEvictions(Number(reply[0]), Number(reply[1]));
    this.unmatched[UNKNOWN_ID] += Number(reply[2]);
    for (let k = 0; k < records.length; k++) {
      const outcome = reply[3 + 2 * k];
      if (outcome === 2) this.duplicatePredictions++;
      else if (outcome === 1) {
        // The label came first: this process completes the join, with no lag beyond zero.
        if (readLabel(String(reply[4 + 2 * k]), this.label) && readPrediction(records[k], this.index, this.prediction)) this.complete(this.label.labelClass, this.label.labelValue, 0);
        else this.errors[WRITE]++;
      }
    }
  }

  /** A request's labels in one pipeline: a LABEL_* outcome per label (LABEL_STORE_ERROR when Redis failed); never rejects. */
  async joinLabels(batch: LabelBatch, nowMs: number): Promise<Uint8Array> {
    const n = batch.h1.length;
    const outcomes = new Uint8Array(n).fill(LABEL_STORE_ERROR);
    if (n === 0) return outcomes;
    const ids = batch.h1.map((h1, k) => idText(h1, batch.h2[k]));
    const { sha, keys } = SCRIPTS.label;
    const add = (p: ChainableCommander, k: number): unknown =>
      p.evalsha(sha, keys, ...this.keys(ids[k]), ids[k], nowMs, this.ttlMs, labelRecord(nowMs, batch.labelClass[k], batch.labelValue[k], batch.labelMs[k]), this.maxPending, this.base);
    this.roundTrips++;
    let replies: Replies;
    try {
      replies = await this.connection.calls(n, add);
    } catch {
      this.errors[JOIN] += n;
      return outcomes;
    }
    for (let k = 0; k < n; k++) outcomes[k] = this.settleLabel(replies[k], batch, k);
    return outcomes;
  }

  private settleLabel(reply: [Error | null, unknown] | undefined, batch: LabelBatch, k: number): number {
    const answer = reply === undefined || reply[0] !== null ? null : reply[1];
    if (!Array.isArray(answer)) {
      this.errors[JOIN]++;
      return LABEL_STORE_ERROR;
    }
    const [outcome, prediction, evictedPredictions, evictedLabels] = answer as [number, string, number, number];
    this.countEvictions(evictedPredictions, evictedLabels);
    if (outcome === LABEL_JOINED) {
      if (!readPrediction(prediction, this.index, this.prediction)) {
        this.errors[JOIN]++;
        return LABEL_STORE_ERROR;
      }
      this.complete(batch.labelClass[k], batch.labelValue[k], Math.max(0, (batch.labelMs[k] - this.prediction.atMs) / 1000));
      return LABEL_JOINED;
    }
    if (outcome === LABEL_DUPLICATE) this.unmatched[DUPLICATE]++;
    else if (outcome === LABEL_EXPIRED) this.unmatched[EXPIRED]++;
    return outcome === LABEL_WAITING || outcome === LABEL_DUPLICATE || outcome === LABEL_EXPIRED ? outcome : LABEL_STORE_ERROR;
  }

  /** Expire what is past the TTL and read the fleet's pending counts; never rejects. */
  async sweep(): Promise<void> {
    try {
      const answer = await this.connection.call(SCRIPTS.sweep, [this.zp, this.zl, this.clock(), this.ttlMs, this.base, SWEEP_LIMIT]);
      const [unknown, , pendingPredictions, pendingLabels] = answer as [number, number, number, number];
      this.unmatched[UNKNOWN_ID] += unknown;
      this.pendingPredictions = pendingPredictions;
      this.pendingLabels = pendingLabels;
    } catch {
      this.errors[SWEEP]++;
    }
  }

  private complete(labelClass: number, labelValue: number, lagSeconds: number): void {
    this.joined++;
    this.sink(this.prediction, labelClass, labelValue, lagSeconds);
  }

  private countEvictions(predictions: number, labels: number): void {
    this.evictions[0] += predictions;
    this.evictions[1] += labels;
    this.unmatched[EVICTED] += labels;
  }

  private keys(id: string): [string, string, string, string, string] {
    const base = this.base;
    return [`${base}p:${id}`, `${base}l:${id}`, `${base}d:${id}`, this.zp, this.zl];
  }

  /** The counters as one array, for checkpoints (the records themselves live in Redis). */
  counters(): Float64Array {
    return Float64Array.of(this.joined, this.predictionsWithId, this.duplicatePredictions, ...this.unmatched, ...this.evictions, ...this.errors);
  }

  restoreCounters(c: Float64Array): boolean {
    const u = UNMATCHED_REASONS.length;
    const e = PENDING_KINDS.length;
    if (c.length !== 3 + u + e + STORE_OPERATIONS.length) return false;
    [this.joined, this.predictionsWithId, this.duplicatePredictions] = c;
    this.unmatched.set(c.subarray(3, 3 + u));
    this.evictions.set(c.subarray(3 + u, 3 + u + e));
    this.errors.set(c.subarray(3 + u + e));
    return true;
  }
}
