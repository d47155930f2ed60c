// The fleet's label join against a real redis-server: two FleetJoins on two connections act
// as two replicas. Both arrival orders join exactly once (in the replica that completed it),
// duplicates, expiry, the TTL sweep, eviction at the bound, the outbox's batching, and Redis
// going away and coming back.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellIndex } from '../../../src/monitor/cell-index.js';
import { IdHash } from '../../../src/monitor/labels/id-hash.js';
import { EVICTED, EXPIRED, DUPLICATE, LABEL_DUPLICATE, LABEL_EXPIRED, LABEL_JOINED, LABEL_WAITING, UNKNOWN_ID } from '../../../src/monitor/labels/join-store.js';
import { LabelStoreConnection } from '../../../src/monitor/labels/redis/connection.js';
import { FleetJoin, LABEL_STORE_ERROR, type LabelBatch } from '../../../src/monitor/labels/redis/fleet-join.js';
import { requireBinary } from '../../support/prometheus.js';
import { redisGate, startRedis, until, type RedisServer } from '../../support/redis-server.js';

requireBinary(redisGate, it);

const silent = pino({ level: 'silent' });
/** Two variants, one segment with three values: what readPrediction checks a record against. */
const index = { variantNames: ['a', 'b'], segments: [{ values: ['x', 'y', '__missing__'] }] } as unknown as CellIndex;
const TTL = 60_000;
const T0 = 1_700_000_000_000;

interface Join {
  variant: number;
  segment: number;
  predictedClass: number;
  value: number;
  labelClass: number;
  lag: number;
}

let prefixes = 0;
function replicas(connections: LabelStoreConnection[], options: { maxPending?: number; outbox?: number; clock?: () => number } = {}): { joins: Join[][]; stores: FleetJoin[] } {
  const base = `test${prefixes++}:{m:0}:`;
  const joins = connections.map((): Join[] => []);
  const stores = connections.map(
    (c, i) =>
      new FleetJoin(c, base, TTL, options.maxPending ?? 1000, index, (p, labelClass, _v, lag) => {
        joins[i].push({ variant: p.variant, segment: p.segments[0], predictedClass: p.predictedClass, value: p.value, labelClass, lag });
      }, options.clock ?? (() => T0), options.outbox),
  );
  return { joins, stores };
}

const hash = new IdHash();
function predict(store: FleetJoin, id: string | number, at: number, variant = 1, segment = 2, predictedClass = 1, score = 0.8): void {
  hash.of(id);
  store.addPrediction(hash.h1, hash.h2, variant, [segment], predictedClass, score, at);
}
function batch(...labels: [id: string | number, labelClass: number, labelMs: number][]): LabelBatch {
  const b: LabelBatch = { h1: [], h2: [], labelClass: [], labelValue: [], labelMs: [] };
  for (const [id, labelClass, labelMs] of labels) {
    hash.of(id);
    b.h1.push(hash.h1);
    b.h2.push(hash.h2);
    b.labelClass.push(labelClass);
    b.labelValue.push(NaN);
    b.labelMs.push(labelMs);
  }
  return b;
}

describe.skipIf(!redisGate.available)('FleetJoin on a real redis-server', () => {
  let redis: RedisServer;
  let a: LabelStoreConnection;
  let b: LabelStoreConnection;

  beforeAll(async () => {
    redis = await startRedis();
    const config = { backend: 'redis' as const, url: redis.url, key_prefix: '' };
    a = await LabelStoreConnection.open(config, silent);
    b = await LabelStoreConnection.open(config, silent);
    await until(() => a.ready && b.ready, 10_000, 'both connections ready');
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('a prediction on A, its label on B: joined once, in B, with its cell and lag', async () => {
    const { joins, stores: [A, B] } = replicas([a, b]);
    predict(A, 'id-1', T0, 1, 2, 1, 0.8);
    await A.flush();
    expect(await B.joinLabels(batch(['id-1', 0, T0 + 4_000]), T0 + 5_000)).toEqual(Uint8Array.of(LABEL_JOINED));
    expect(joins[1]).toEqual([{ variant: 1, segment: 2, predictedClass: 1, value: 0.8, labelClass: 0, lag: 4 }]);
    expect(joins[0]).toEqual([]);
    expect([A.joined, B.joined, A.predictionsWithId]).toEqual([0, 1, 1]);
    // A second label for the id, on either replica, is a duplicate.
    expect(await A.joinLabels(batch(['id-1', 1, T0 + 6_000]), T0 + 6_000)).toEqual(Uint8Array.of(LABEL_DUPLICATE));
    expect(A.unmatched[DUPLICATE]).toBe(1);
  });

  it('the label first, on B; its prediction on A: joined once, in A, with no lag', async () => {
    const { joins, stores: [A, B] } = replicas([a, b]);
    expect(await B.joinLabels(batch([42, 1, T0]), T0)).toEqual(Uint8Array.of(LABEL_WAITING));
    predict(A, '42', T0 + 1_000, 0, 1, 0, 0.3);
    await A.flush();
    expect(joins[0]).toEqual([{ variant: 0, segment: 1, predictedClass: 0, value: 0.3, labelClass: 1, lag: 0 }]);
    expect(joins[1]).toEqual([]);
    expect(A.joined + B.joined).toBe(1);
    // The same prediction again (from either replica) is a duplicate, not a second join.
    predict(B, 42, T0 + 2_000);
    await B.flush();
    expect(B.duplicatePredictions).toBe(1);
    expect(await B.joinLabels(batch([42, 1, T0 + 3_000]), T0 + 3_000)).toEqual(Uint8Array.of(LABEL_DUPLICATE));
  });

  it('many replicas racing on one id: exactly one join', async () => {
    const { joins, stores } = replicas([a, b, a, b]);
    await stores[0].joinLabels(batch(['race', 1, T0]), T0);
    for (const s of stores) predict(s, 'race', T0 + 10);
    await Promise.all(stores.map((s) => s.flush()));
    expect(joins.flat()).toHaveLength(1);
    expect(stores.reduce((n, s) => n + s.duplicatePredictions, 0)).toBe(3);
  });

  it('a label after the TTL is expired; the sweep turns a label never matched into unknown_id', async () => {
    let now = T0;
    const { stores: [A, B] } = replicas([a, b], { clock: () => now });
    predict(A, 'old', T0);
    await A.flush();
    expect(await B.joinLabels(batch(['old', 1, T0 + TTL + 1]), T0 + TTL + 1)).toEqual(Uint8Array.of(LABEL_EXPIRED));
    expect(B.unmatched[EXPIRED]).toBe(1);
    expect(await B.joinLabels(batch(['nobody', 1, T0]), T0)).toEqual(Uint8Array.of(LABEL_WAITING));
    predict(A, 'stale', T0);
    await A.flush();
    await A.sweep();
    expect([A.pendingPredictions, A.pendingLabels]).toEqual([1, 1]);
    now = T0 + TTL + 1;
    await A.sweep();
    await B.sweep();
    expect(A.unmatched[UNKNOWN_ID] + B.unmatched[UNKNOWN_ID]).toBe(1);
    expect([A.pendingPredictions, A.pendingLabels, B.pendingPredictions]).toEqual([0, 0, 0]);
    // A stale prediction is still told apart: its label is expired, not unknown.
    expect(await B.joinLabels(batch(['stale', 1, now]), now)).toEqual(Uint8Array.of(LABEL_EXPIRED));
  });

  it('bounds the waiting records at max_pending_labels, evicting the oldest, by kind', async () => {
    const { stores: [A, B] } = replicas([a, b], { maxPending: 3 });
    await B.joinLabels(batch(['l0', 1, T0]), T0);
    for (let i = 1; i <= 4; i++) predict(A, `p${i}`, T0 + i);
    await A.flush();
    expect(A.evictions[0] + B.evictions[0]).toBe(1);
    expect(A.evictions[1]).toBe(1);
    expect(A.unmatched[EVICTED]).toBe(1);
    await A.sweep();
    expect(A.pendingPredictions + A.pendingLabels).toBe(3);
    // The evicted prediction (p1) is gone: its label now waits.
    expect(await B.joinLabels(batch(['p1', 1, T0 + 10]), T0 + 10)).toEqual(Uint8Array.of(LABEL_WAITING));
  });

  it('flushes by time (one prediction within ~20 ms) and by count (500 a pipeline)', async () => {
    const { stores: [A] } = replicas([a], { maxPending: 5_000 });
    A.start();
    predict(A, 'alone', T0);
    await until(() => A.roundTrips === 1 && A.outbox.count === 0, 2_000, 'the timed flush');
    for (let i = 0; i < 1_200; i++) predict(A, `bulk-${i}`, T0 + i);
    await until(() => A.outbox.count === 0 && A.roundTrips === 4, 5_000, 'three more pipelines');
    await A.sweep();
    expect(A.pendingPredictions).toBe(1_201);
    await A.stop();
    expect(A.errors[0]).toBe(0);
  });

  it('scripts flushed from Redis (NOSCRIPT): loaded again and the calls sent once more', async () => {
    const { joins, stores: [A, B] } = replicas([a, b]);
    await a.redis.script('FLUSH');
    predict(A, 'flushed', T0);
    await A.flush();
    await b.redis.script('FLUSH');
    expect(await B.joinLabels(batch(['flushed', 1, T0 + 1_000]), T0 + 1_000)).toEqual(Uint8Array.of(LABEL_JOINED));
    await a.redis.script('FLUSH');
    await A.sweep();
    expect(joins[1]).toHaveLength(1);
    expect([...A.errors, ...B.errors]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('Redis gone: predictions wait in the outbox (oldest dropped when full, counted), labels fail fast; back: all works again', async () => {
    const { joins, stores: [A, B] } = replicas([a, b], { outbox: 5 });
    A.start();
    await redis.kill();
    await until(() => !a.ready && !b.ready, 5_000, 'the connections to notice');
    for (let i = 0; i < 8; i++) predict(A, `down-${i}`, T0 + i);
    expect(A.outbox.count).toBe(5);
    expect(A.errors[0]).toBe(3);
    const started = Date.now();
    expect(await B.joinLabels(batch(['x', 1, T0], ['y', 1, T0]), T0)).toEqual(Uint8Array.of(LABEL_STORE_ERROR, LABEL_STORE_ERROR));
    expect(Date.now() - started).toBeLessThan(500);
    expect(B.errors[1]).toBe(2);
    await B.sweep();
    expect(B.errors[2]).toBe(1);
    await redis.restart();
    await until(() => a.ready && b.ready, 10_000, 'reconnection');
    await until(() => A.outbox.count === 0, 5_000, 'the outbox to drain');
    expect(await B.joinLabels(batch(['down-7', 1, T0 + 100]), T0 + 100)).toEqual(Uint8Array.of(LABEL_JOINED));
    expect(joins[1]).toHaveLength(1);
    // The three oldest were dropped while Redis was away: their labels wait.
    expect(await B.joinLabels(batch(['down-0', 1, T0 + 100]), T0 + 100)).toEqual(Uint8Array.of(LABEL_WAITING));
    await A.stop();
  });
});
