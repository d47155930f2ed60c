// Bytes per pending prediction at a million pending: the store's arrays, and the process's
// heap and array-buffer growth while a million predictions with ids are recorded (so no
// per-record object hides beside the typed arrays). Target ≤ 64 B; measured ~37 B without
// segments (4+4 hash, 8 time, 8 score, 2 class, 2 variant, 1 state, 8.4 index).
import { describe, expect, it } from 'vitest';
import { IdHash } from '../../../src/monitor/labels/id-hash.js';
import { JoinStore } from '../../../src/monitor/labels/join-store.js';

const PENDING = 1_000_000;

function used(): number {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('JoinStore memory', () => {
  it('holds a million pending predictions in at most 64 bytes each', () => {
    const before = used();
    const store = new JoinStore(PENDING, 86_400_000, 1, () => {});
    const hash = new IdHash();
    const segments = [0];
    for (let i = 0; i < PENDING; i++) {
      hash.of(`request-${i}`);
      store.addPrediction(hash.h1, hash.h2, 0, segments, 1, i / PENDING, 1_000 + i);
    }
    const grown = used() - before;
    expect(store.pendingPredictions).toBe(PENDING);
    const perPending = store.bytes / PENDING;
    // One segment adds 2 bytes per record.
    expect(perPending).toBeLessThanOrEqual(40);
    // Heap and buffers together: the arrays plus garbage not yet collected (without --expose-gc), with margin.
    expect(grown / PENDING).toBeLessThanOrEqual(64);
    console.log(`join store: ${perPending.toFixed(1)} B per pending prediction (arrays), ${(grown / PENDING).toFixed(1)} B process growth, at ${PENDING} pending`);
  });
});
