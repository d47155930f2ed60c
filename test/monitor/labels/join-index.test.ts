// The join index against a Map oracle: random inserts and removals over hashes drawn from a
// few homes (so clusters form, wrap around the table's end and overlap), then every indexed
// pair must be found at a slot holding its record, and no other pair found. A cluster of
// 300 records on one home, with records homed inside it, checks long shifts on removal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JoinIndex } from '../../../src/monitor/labels/join-index.js';

type Op = { kind: 'insert'; a: number; b: number } | { kind: 'remove'; pick: number };

function check(index: JoinIndex, h1: Uint32Array, h2: Uint32Array, oracle: Map<string, number>, probes: [number, number][]): void {
  for (const [key, record] of oracle) {
    const [a, b] = key.split(':').map(Number);
    const slot = index.find(a, b);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect(index.recordAt(slot)).toBe(record);
    expect(h1[record]).toBe(a);
    expect(h2[record]).toBe(b);
  }
  for (const [a, b] of probes) if (!oracle.has(`${a}:${b}`)) expect(index.find(a, b)).toBe(-1);
  expect(index.slots.reduce((n, e) => n + (e === 0 ? 0 : 1), 0)).toBe(oracle.size);
}

/** Runs `ops` on an index of `capacity` records; returns it with its oracle. */
function run(capacity: number, ops: Op[]): { index: JoinIndex; h1: Uint32Array; h2: Uint32Array; oracle: Map<string, number>; probes: [number, number][] } {
  const h1 = new Uint32Array(capacity);
  const h2 = new Uint32Array(capacity);
  const index = new JoinIndex(capacity, h1, h2);
  const oracle = new Map<string, number>();
  const free = Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
  const probes: [number, number][] = [];
  for (const op of ops) {
    if (op.kind === 'insert') {
      probes.push([op.a, op.b]);
      const key = `${op.a}:${op.b}`;
      if (oracle.has(key) || free.length === 0) continue;
      const record = free.pop() as number;
      h1[record] = op.a;
      h2[record] = op.b;
      index.insert(record);
      oracle.set(key, record);
    } else if (oracle.size > 0) {
      const keys = [...oracle.keys()];
      const key = keys[op.pick % keys.length];
      const [a, b] = key.split(':').map(Number);
      const slot = index.find(a, b);
      index.remove(slot);
      free.push(oracle.get(key) as number);
      oracle.delete(key);
    }
  }
  return { index, h1, h2, oracle, probes };
}

describe('JoinIndex', () => {
  it('finds exactly the indexed pairs after any inserts and removals (fast-check)', () => {
    // Capacity 16: 32 slots; h1 from a few values near the wrap (31, 0, 1) and far apart (2^31 + 5).
    const h1 = fc.constantFrom(31, 63, 0, 32, 1, 30, 2 ** 31 + 5, 2 ** 32 - 1);
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), a: h1, b: fc.integer({ min: 0, max: 3 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const { index, h1: hashes, h2, oracle, probes } = run(16, ops);
        check(index, hashes, h2, oracle, probes);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps finding and removing records far from their home', () => {
    const ops: Op[] = [];
    // 300 records on one home (7), then 20 on the homes inside that cluster: probe sequences over 300 long.
    for (let b = 0; b < 300; b++) ops.push({ kind: 'insert', a: 7, b });
    for (let b = 0; b < 20; b++) ops.push({ kind: 'insert', a: 8 + b * 13, b });
    for (let i = 0; i < 150; i++) ops.push({ kind: 'remove', pick: i * 7 });
    for (let b = 300; b < 400; b++) ops.push({ kind: 'insert', a: 7, b });
    const { index, h1, h2, oracle, probes } = run(500, ops);
    check(index, h1, h2, oracle, probes);
  });
});
