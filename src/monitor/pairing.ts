// Champion and shadow (or canary, challenger) scoring the same request: predictions that carry
// the same event id are paired, each other variant's with the default variant's, to count how
// often they agree on the class and how far apart their scores are. A bounded, time-limited
// store: the oldest pending predictions are evicted first, and those that wait longer than
// the TTL expire — both counted, never silently dropped.

/** Why a variant's prediction found no default prediction to pair with. */
export const UNPAIRED_REASONS = ['expired', 'evicted'] as const;

interface Pending {
  /** Arrival time, Unix ms. */
  at: number;
  /** The default variant's class (-1 none) and score (NaN none), once it has been seen. */
  hasDefault: boolean;
  defaultClass: number;
  defaultScore: number;
  /** Other variants' predictions that came before the default's: variant, class, score triples. */
  waiting: number[] | null;
}

/** Receives each completed pair. */
export type PairSink = (variant: number, sameClass: boolean | null, scoreDifference: number) => void;

export class PairingStore {
  private readonly pending = new Map<string, Pending>();
  /** Predictions that found no pair, by UNPAIRED_REASONS index. */
  readonly unpaired = new Float64Array(UNPAIRED_REASONS.length);

  constructor(
    private readonly defaultVariant: number,
    private readonly ttlMs: number,
    private readonly capacity: number,
    private readonly sink: PairSink,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  add(id: string, variant: number, predictedClass: number, score: number, nowMs: number): void {
    this.expire(nowMs);
    const entry = this.pending.get(id);
    if (variant === this.defaultVariant) {
      if (entry === undefined) {
        this.insert(id, { at: nowMs, hasDefault: true, defaultClass: predictedClass, defaultScore: score, waiting: null });
        return;
      }
      if (entry.hasDefault) return; // a repeat of the default's prediction pairs nothing new
      entry.hasDefault = true;
      entry.defaultClass = predictedClass;
      entry.defaultScore = score;
      const waiting = entry.waiting;
      entry.waiting = null;
      if (waiting) for (let i = 0; i < waiting.length; i += 3) this.pair(entry, waiting[i], waiting[i + 1], waiting[i + 2]);
      return;
    }
    if (entry === undefined) {
      this.insert(id, { at: nowMs, hasDefault: false, defaultClass: -1, defaultScore: NaN, waiting: [variant, predictedClass, score] });
    } else if (entry.hasDefault) {
      this.pair(entry, variant, predictedClass, score);
    } else {
      (entry.waiting ??= []).push(variant, predictedClass, score);
    }
  }

  private pair(entry: Pending, variant: number, predictedClass: number, score: number): void {
    const sameClass = predictedClass >= 0 && entry.defaultClass >= 0 ? predictedClass === entry.defaultClass : null;
    this.sink(variant, sameClass, Math.abs(score - entry.defaultScore));
  }

  private insert(id: string, entry: Pending): void {
    if (this.pending.size >= this.capacity) {
      // Map iteration is insertion order: the first key is the oldest.
      const oldest = this.pending.keys().next().value as string;
      this.drop(oldest, 1);
    }
    this.pending.set(id, entry);
  }

  /** Drop entries older than the TTL (the map is in arrival order, so stop at the first young one). */
  private expire(nowMs: number): void {
    for (const [id, entry] of this.pending) {
      if (nowMs - entry.at <= this.ttlMs) return;
      this.drop(id, 0);
    }
  }

  private drop(id: string, reason: number): void {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    if (entry?.waiting) this.unpaired[reason] += entry.waiting.length / 3;
  }
}
