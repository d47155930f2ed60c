// Predictions with an id on their way to Redis: a bounded ring of compact records (typed
// arrays, as in the in-process store) that the prediction hot path writes into without
// allocating or waiting; the flusher takes them in arrival order. When the ring is full
// (Redis slow or away) the oldest record is dropped, and counted.

export class Outbox {
  readonly h1: Uint32Array;
  readonly h2: Uint32Array;
  readonly at: Float64Array;
  readonly value: Float64Array;
  readonly predictedClass: Int16Array;
  readonly variant: Uint16Array;
  readonly segmentValues: Uint16Array;
  /** Position of the oldest record, and how many there are. */
  private head = 0;
  count = 0;
  /** Records dropped because the ring was full. */
  dropped = 0;

  constructor(
    readonly capacity: number,
    readonly segmentCount: number,
  ) {
    this.h1 = new Uint32Array(capacity);
    this.h2 = new Uint32Array(capacity);
    this.at = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.predictedClass = new Int16Array(capacity);
    this.variant = new Uint16Array(capacity);
    this.segmentValues = new Uint16Array(capacity * segmentCount);
  }

  get bytes(): number {
    return [this.h1, this.h2, this.at, this.value, this.predictedClass, this.variant, this.segmentValues].reduce((n, a) => n + a.byteLength, 0);
  }

  push(a: number, b: number, variant: number, segments: ArrayLike<number>, predictedClass: number, value: number, atMs: number): void {
    if (this.count === this.capacity) {
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      this.dropped++;
    }
    const r = (this.head + this.count) % this.capacity;
    this.count++;
    this.h1[r] = a;
    this.h2[r] = b;
    this.at[r] = atMs;
    this.value[r] = value;
    this.predictedClass[r] = predictedClass;
    this.variant[r] = variant;
    const base = r * this.segmentCount;
    for (let s = 0; s < this.segmentCount; s++) this.segmentValues[base + s] = segments[s];
  }

  /** The position of the k-th oldest record (k < count). */
  position(k: number): number {
    return (this.head + k) % this.capacity;
  }

  segmentsOf(r: number): Uint16Array {
    return this.segmentValues.subarray(r * this.segmentCount, (r + 1) * this.segmentCount);
  }

  /** Forget the `n` oldest records (taken by a flush). */
  shift(n: number): void {
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
  }
}
