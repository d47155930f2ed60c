// The time-stamped window against a naive oracle: every added value remembered with its time
// bucket, and the window's sum = the values whose bucket is one of the last `count` buckets
// up to the newest it was advanced to.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeWindow } from '../../src/monitor/window.js';

const BUCKET_MS = 1000;

type Step = { kind: 'advance'; ms: number } | { kind: 'add'; at: number; back: number; value: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: -3 * BUCKET_MS, max: 12 * BUCKET_MS }) }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.integer({ min: 0, max: 2 }),
    back: fc.integer({ min: 0, max: 8 }),
    value: fc.integer({ min: 1, max: 5 }),
  }),
);

describe('TimeWindow', () => {
  it('sums exactly the values of the last `count` buckets (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(step, { maxLength: 80 }), (count, steps) => {
        let now = 5_000_000;
        const window = new TimeWindow(count, 3, BUCKET_MS, now);
        const added: { bucket: number; at: number; value: number }[] = [];
        for (const s of steps) {
          if (s.kind === 'advance') {
            now += s.ms;
            window.advance(now);
            continue;
          }
          // An event `back` buckets old: accepted only while its bucket is inside the window.
          const bucket = window.currentBucket - s.back;
          const sub = window.subWindowFor(bucket);
          expect(sub === null).toBe(s.back >= count);
          if (sub === null) continue;
          sub[s.at] += s.value;
          added.push({ bucket, at: s.at, value: s.value });
        }
        const expected = [0, 0, 0];
        for (const a of added) if (a.bucket > window.currentBucket - count) expected[a.at] += a.value;
        const sum = new Float64Array(3);
        window.sumInto(sum);
        expect(Array.from(sum)).toEqual(expected);
        // Every sub-window in use says which bucket it holds; none holds one from the future.
        for (const b of window.buckets) expect(b <= window.currentBucket).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a bucket newer than the newest, and clear() empties every sub-window', () => {
    const window = new TimeWindow(4, 2, BUCKET_MS, 10_000);
    expect(window.subWindowFor(window.currentBucket + 1)).toBeNull();
    window.current[0] = 7;
    window.clear();
    const sum = new Float64Array(2);
    window.sumInto(sum);
    expect(Array.from(sum)).toEqual([0, 0]);
    expect(window.current).toBe(window.subWindowFor(window.currentBucket));
  });
});
