// The join store against a plain Map model of the same rules, over random sequences of
// predictions and labels (fast-check), and each rule alone: both arrival orders, duplicates,
// expiry, unknown ids, eviction of the oldest at the bound, numeric and string ids alike,
// and snapshot/restore.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdHash } from '../../../src/monitor/labels/id-hash.js';
import {
  DUPLICATE,
  EVICTED,
  EXPIRED,
  JoinStore,
  LABEL_DUPLICATE,
  LABEL_EXPIRED,
  LABEL_JOINED,
  LABEL_WAITING,
  UNKNOWN_ID,
} from '../../../src/monitor/labels/join-store.js';

interface Joined {
  variant: number;
  segment: number;
  predictedClass: number;
  score: number;
  labelClass: number;
  lag: number;
}

function makeStore(capacity: number, ttlMs: number, segments = 1): { store: JoinStore; joins: Joined[] } {
  const joins: Joined[] = [];
  const store = new JoinStore(capacity, ttlMs, segments, (s, record, labelClass, _value, lag) => {
    joins.push({ variant: s.variant[record], segment: segments > 0 ? s.segmentOf(record, 0) : -1, predictedClass: s.predictedClass[record], score: s.value[record], labelClass, lag });
  });
  return { store, joins };
}

const hash = new IdHash();
function predict(store: JoinStore, id: string | number, at: number, predictedClass = 1, score = 0.7, variant = 0, segment = 0): void {
  hash.of(id);
  store.addPrediction(hash.h1, hash.h2, variant, [segment], predictedClass, score, at);
}
function label(store: JoinStore, id: string | number, at: number, labelClass = 1, labelMs = at): number {
  hash.of(id);
  return store.addLabel(hash.h1, hash.h2, labelClass, NaN, labelMs, at);
}

describe('JoinStore', () => {
  it('joins a label to its prediction with the lag, and a prediction to a label that came first', () => {
    const { store, joins } = makeStore(10, 60_000);
    predict(store, 'a', 1_000, 1, 0.8, 2, 3);
    expect(label(store, 'a', 4_500, 0)).toBe(LABEL_JOINED);
    expect(joins).toEqual([{ variant: 2, segment: 3, predictedClass: 1, score: 0.8, labelClass: 0, lag: 3.5 }]);
    expect(label(store, 'b', 5_000, 1)).toBe(LABEL_WAITING);
    expect(store.pendingLabels).toBe(1);
    predict(store, 'b', 6_000, 0, 0.2, 1, 4);
    expect(joins[1]).toEqual({ variant: 1, segment: 4, predictedClass: 0, score: 0.2, labelClass: 1, lag: 0 });
    expect(store.joined).toBe(2);
    expect(store.pendingLabels + store.pendingPredictions).toBe(0);
  });

  it('takes 42 and "42" as the same id', () => {
    const { store, joins } = makeStore(10, 60_000);
    predict(store, 42, 0);
    expect(label(store, '42', 1)).toBe(LABEL_JOINED);
    predict(store, '-7', 0);
    expect(label(store, -7, 1)).toBe(LABEL_JOINED);
    expect(joins).toHaveLength(2);
  });

  it('counts a second label as a duplicate, and keeps the first of two predictions with one id', () => {
    const { store, joins } = makeStore(10, 60_000);
    predict(store, 'a', 0, 1);
    predict(store, 'a', 1, 0);
    expect(store.duplicatePredictions).toBe(1);
    expect(label(store, 'a', 2)).toBe(LABEL_JOINED);
    expect(joins[0].predictedClass).toBe(1);
    expect(label(store, 'a', 3)).toBe(LABEL_DUPLICATE);
    expect(label(store, 'w', 3)).toBe(LABEL_WAITING);
    expect(label(store, 'w', 4)).toBe(LABEL_DUPLICATE);
    expect(store.unmatched[DUPLICATE]).toBe(2);
  });

  it('counts a label past the TTL as expired, and a label no prediction came for as unknown_id', () => {
    const { store, joins } = makeStore(10, 1_000);
    predict(store, 'old', 0);
    expect(label(store, 'old', 1_001)).toBe(LABEL_EXPIRED);
    expect(store.unmatched[EXPIRED]).toBe(1);
    expect(label(store, 'old', 1_002)).toBe(LABEL_DUPLICATE);
    expect(label(store, 'lonely', 2_000)).toBe(LABEL_WAITING);
    store.advance(3_001);
    expect(store.unmatched[UNKNOWN_ID]).toBe(1);
    expect(store.pendingLabels).toBe(0);
    // After its label went, the same id is a new prediction.
    predict(store, 'lonely', 3_002);
    expect(store.pendingPredictions).toBe(1);
    expect(joins).toHaveLength(0);
  });

  it('evicts the oldest at the bound, counting predictions and labels apart', () => {
    const { store } = makeStore(3, 60_000);
    predict(store, 'p1', 0);
    label(store, 'l1', 1);
    predict(store, 'p2', 2);
    predict(store, 'p3', 3);
    expect(store.evictions[0]).toBe(1);
    label(store, 'l2', 4);
    expect(store.evictions[1]).toBe(1);
    expect(store.unmatched[EVICTED]).toBe(1);
    expect(store.size).toBe(3);
    expect(label(store, 'p1', 5)).toBe(LABEL_WAITING);
  });

  it('agrees with a Map model of the same rules over random sequences', () => {
    const op = fc.record({ kind: fc.constantFrom('prediction', 'label'), id: fc.integer({ min: 0, max: 40 }), dt: fc.integer({ min: 0, max: 400 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 1, max: 30 }), (ops, capacity) => {
        const ttl = 1_000;
        const { store, joins } = makeStore(capacity, ttl, 0);
        const model = new ModelStore(capacity, ttl);
        let now = 0;
        for (const o of ops) {
          now += o.dt;
          if (o.kind === 'prediction') {
            predict(store, o.id, now);
            model.prediction(o.id, now);
          } else {
            expect(label(store, o.id, now)).toBe(model.label(o.id, now));
          }
          expect(store.joined).toBe(model.joined);
        }
        store.advance(now + 10 * ttl);
        model.sweep(now + 10 * ttl);
        expect(joins).toHaveLength(model.joined);
        expect([...store.unmatched.subarray(0, 4)]).toEqual(model.unmatched);
        expect([...store.evictions]).toEqual(model.evictions);
      }),
      { numRuns: 300 },
    );
  });

  it('restores a snapshot into a new store of the same shape', () => {
    const { store } = makeStore(100, 60_000);
    for (let i = 0; i < 150; i++) predict(store, `id${i}`, i);
    label(store, 'x', 200);
    const { store: copy, joins } = makeStore(100, 60_000);
    expect(copy.restore(store.snapshot())).toBe(true);
    expect(label(copy, 'id120', 300)).toBe(LABEL_JOINED);
    expect(label(copy, 'id10', 300)).toBe(LABEL_WAITING);
    predict(copy, 'x', 301);
    expect(joins).toHaveLength(2);
    // 50 by the predictions, one by the label "x", one by the label of id10.
    expect(copy.evictions[0]).toBe(52);
    expect(makeStore(50, 60_000).store.restore(store.snapshot())).toBe(false);
  });
});

type State = 'prediction' | 'label' | 'done' | 'stale';

/** The rules, written plainly: a Map in insertion order (the ring), entries with a state and time. */
class ModelStore {
  ring: { id: number; at: number; state: State | 'free' }[] = [];
  byId = new Map<number, { id: number; at: number; state: State | 'free' }>();
  joined = 0;
  /** expired, unknown_id, evicted, duplicate */
  unmatched = [0, 0, 0, 0];
  evictions = [0, 0];

  constructor(
    private readonly capacity: number,
    private readonly ttl: number,
  ) {}

  sweep(now: number): void {
    for (const e of this.ring) {
      if (e.at >= now - this.ttl) break;
      if (e.state === 'prediction') e.state = 'stale';
      else if (e.state === 'label') {
        this.unmatched[1]++;
        this.free(e);
      } else if (e.state === 'done') this.free(e);
    }
  }

  private free(e: { id: number; state: string }): void {
    if (this.byId.get(e.id) === e) this.byId.delete(e.id);
    e.state = 'free';
  }

  private append(id: number, at: number, state: State): void {
    if (this.ring.length === this.capacity) {
      const oldest = this.ring.shift() as { id: number; state: string };
      if (oldest.state === 'prediction') this.evictions[0]++;
      if (oldest.state === 'label') (this.evictions[1]++, this.unmatched[2]++);
      this.free(oldest);
    }
    const entry = { id, at, state };
    this.ring.push(entry);
    this.byId.set(id, entry);
  }

  prediction(id: number, now: number): void {
    this.sweepOnce(now);
    const e = this.byId.get(id);
    if (e?.state === 'label') {
      e.state = 'done';
      this.joined++;
      return;
    }
    if (e && e.state !== 'stale') return;
    if (e) this.free(e);
    this.append(id, now, 'prediction');
  }

  label(id: number, now: number): number {
    this.sweepOnce(now);
    const e = this.byId.get(id);
    if (e?.state === 'prediction') {
      e.state = 'done';
      this.joined++;
      return LABEL_JOINED;
    }
    if (e?.state === 'stale') {
      e.state = 'done';
      this.unmatched[0]++;
      return LABEL_EXPIRED;
    }
    if (e) {
      this.unmatched[3]++;
      return LABEL_DUPLICATE;
    }
    this.append(id, now, 'label');
    return LABEL_WAITING;
  }

  /** The store sweeps each record once, in ring order, as time passes. */
  private swept = new Set<object>();
  private sweepOnce(now: number): void {
    for (const e of this.ring) {
      if (e.at >= now - this.ttl) break;
      if (this.swept.has(e)) continue;
      this.swept.add(e);
      if (e.state === 'prediction') e.state = 'stale';
      else if (e.state === 'label') {
        this.unmatched[1]++;
        this.free(e);
      } else if (e.state === 'done') this.free(e);
    }
  }
}
