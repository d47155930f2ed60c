// The sliding drift window: a ring of sub-windows, each a flat array (bin counts, then what
// the layout puts after them) for one time bucket, bucket = floor(t / width). Memory is fixed
// whatever the traffic, and the window covers the last `count` buckets: a sub-window is used
// only while its bucket is within them, so a window never needs a timer to stay right, and
// every sub-window says which span of time it holds (what a checkpoint must keep).

/** No bucket: a sub-window that holds nothing yet. */
const EMPTY = Number.NEGATIVE_INFINITY;

export class TimeWindow {
  /** The ring; plain typed arrays so the state can be checkpointed as is. */
  readonly subWindows: Float64Array[];
  /** buckets[i] = the time bucket subWindows[i] holds, or -Infinity. */
  readonly buckets: Float64Array;
  /** The sub-window of the newest bucket, where arrival-time events are added. */
  current: Float64Array;
  /** The newest bucket the window has been advanced to. */
  currentBucket: number;
  /** Where the next event's values go: the current sub-window, unless aimed elsewhere (event time). */
  target: Float64Array;
  /** Values of an event left out of the window land here and are never read (no branch on the hot path). */
  private discard: Float64Array | null = null;

  constructor(
    readonly count: number,
    /** Length of each sub-window array. */
    readonly width: number,
    /** Milliseconds per bucket (window_seconds × 1000 / sub_windows). */
    readonly bucketMs: number,
    nowMs: number,
  ) {
    this.subWindows = Array.from({ length: count }, () => new Float64Array(width));
    this.buckets = new Float64Array(count).fill(EMPTY);
    this.currentBucket = this.bucketOf(nowMs);
    this.current = this.claim(this.currentBucket);
    this.target = this.current;
  }

  bucketOf(timeMs: number): number {
    return Math.floor(timeMs / this.bucketMs);
  }

  /** Make the bucket of `nowMs` the newest; a clock that goes back leaves the window as it is. */
  advance(nowMs: number): void {
    const bucket = this.bucketOf(nowMs);
    if (bucket <= this.currentBucket) return;
    this.currentBucket = bucket;
    this.current = this.claim(bucket);
    this.target = this.current;
  }

  /** Aim the next event at the sub-window of `bucket` (within the window), or at nothing (null). */
  aim(bucket: number | null): void {
    const sub = bucket === null ? null : this.subWindowFor(bucket);
    this.target = sub ?? (this.discard ??= new Float64Array(this.width));
  }

  /**
   * The sub-window for an event of time bucket `bucket`, or null when that bucket is older
   * than the window or newer than its newest bucket (call advance first).
   */
  subWindowFor(bucket: number): Float64Array | null {
    if (bucket === this.currentBucket) return this.current;
    if (bucket > this.currentBucket || bucket <= this.currentBucket - this.count) return null;
    return this.claim(bucket);
  }

  /**
   * Σ over the sub-windows within the window into `target` (length `width`); with `order`,
   * entry i of a sub-window goes to target[order[i]] (a cell writes in one layout and is read
   * in another: layout.ts windowReadOrder).
   */
  sumInto(target: Float64Array, order?: Int32Array): void {
    target.fill(0);
    const oldest = this.currentBucket - this.count;
    for (let s = 0; s < this.count; s++) {
      if (this.buckets[s] <= oldest) continue;
      const sub = this.subWindows[s];
      if (order === undefined) for (let i = 0; i < this.width; i++) target[i] += sub[i];
      else for (let i = 0; i < this.width; i++) target[order[i]] += sub[i];
    }
  }

  /**
   * After a restore (the arrays and buckets copied in): continue from the checkpoint's newest
   * bucket, or now's when later, and drop every sub-window that has left the window since.
   */
  resume(savedBucket: number, nowMs: number): void {
    this.currentBucket = Math.max(savedBucket, this.bucketOf(nowMs));
    const oldest = this.currentBucket - this.count;
    for (let s = 0; s < this.count; s++) {
      if (this.buckets[s] > oldest && this.buckets[s] <= this.currentBucket) continue;
      this.subWindows[s].fill(0);
      this.buckets[s] = EMPTY;
    }
    this.current = this.claim(this.currentBucket);
    this.target = this.current;
  }

  /** Empty every sub-window (a fresh window, e.g. after the reference changed). */
  clear(): void {
    for (let s = 0; s < this.count; s++) {
      this.subWindows[s].fill(0);
      this.buckets[s] = EMPTY;
    }
    this.current = this.claim(this.currentBucket);
    this.target = this.current;
  }

  /** The ring slot of `bucket`, emptied first if it held an older bucket. */
  private claim(bucket: number): Float64Array {
    const slot = ((bucket % this.count) + this.count) % this.count;
    const sub = this.subWindows[slot];
    if (this.buckets[slot] !== bucket) {
      sub.fill(0);
      this.buckets[slot] = bucket;
    }
    return sub;
  }
}
