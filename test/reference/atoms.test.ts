// Atoms in `reference build` (src/reference/atoms.ts): which values become atoms, their two
// fine edges, exact counts and within-bin offsets after candidates that fall short are merged
// away; and the helpers: previousDouble, edgeBelowMinimum, mergeBins.
import fc from 'fast-check';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomShare, chooseAtoms } from '../../src/reference/atoms.js';
import { buildReference } from '../../src/reference/build.js';
import { edgeBelowMinimum, mergeBins } from '../../src/reference/edges.js';
import { FINE_BINS, type NumericSketch } from '../../src/reference/types.js';
import { binIndex, binLowerEdges } from '../../src/stats/bins.js';
import { previousDouble } from '../../src/stats/float.js';
import { makeModel, seededRandom, withTempDir } from './helpers.js';

const model = makeModel({ features: [{ name: 'x', type: 'numeric' }] });

/** Builds a reference of one numeric column `x` (prediction 0.5) and returns its sketch. */
async function sketchOf(values: number[]): Promise<NumericSketch> {
  return withTempDir(async (dir) => {
    const path = join(dir, 'train.csv');
    await writeFile(path, `x,prediction\n${values.map((v) => `${v},0.5`).join('\n')}\n`);
    const sketch = (await buildReference({ model, dataPath: path, now: new Date(0) })).features.x;
    if (sketch.kind !== 'numeric') throw new Error('x is numeric');
    return sketch;
  });
}

/** Counts and Σ (value - lower edge) per bin, by the one binning rule. */
function exactBins(edges: number[], values: number[]): { counts: number[]; offsets: number[] } {
  const lower = binLowerEdges(edges);
  const counts = new Array<number>(edges.length + 1).fill(0);
  const offsets = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    const bin = binIndex(edges, v);
    counts[bin]++;
    offsets[bin] += v - lower[bin];
  }
  return { counts, offsets };
}

function expectExactBins(sketch: NumericSketch, values: number[]): void {
  const exact = exactBins(sketch.fine_edges, values);
  expect(sketch.fine_counts).toEqual(exact.counts);
  sketch.fine_offsets?.forEach((offset, i) => expect(Math.abs(offset - exact.offsets[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(exact.offsets[i]))));
  for (const atom of sketch.atoms ?? []) {
    const at = sketch.fine_edges.indexOf(atom);
    expect(sketch.fine_edges[at - 1]).toBe(previousDouble(atom));
    expect(sketch.fine_counts[at]).toBe(values.filter((v) => v === atom).length); // the atom's bin holds exactly its copies
  }
}

describe('atoms in reference build', () => {
  it(`every value of a column with at most ${FINE_BINS} distinct values`, async () => {
    const random = seededRandom(1);
    const values = Array.from({ length: 5_000 }, () => Math.floor(random() * FINE_BINS));
    const sketch = await sketchOf(values);
    expect(sketch.atoms).toEqual(Array.from({ length: FINE_BINS }, (_, v) => v));
    expect(sketch.fine_edges).toEqual(Array.from({ length: FINE_BINS }, (_, v) => [previousDouble(v), v]).flat());
    expectExactBins(sketch, values);
  });

  it(`above ${FINE_BINS} distinct values: the values holding >= 1/(2·${FINE_BINS}) each, at most ${FINE_BINS}, the most frequent`, async () => {
    const random = seededRandom(2);
    // 1000 rare values (0.08% each) and three common ones: 5%, 0.3% and 0.2% (below the share).
    const values = Array.from({ length: 10_000 }, () => {
      const u = random();
      return u < 0.05 ? 7.55 : u < 0.053 ? -3.05 : u < 0.055 ? 12.05 : Math.floor(random() * 1000) / 10;
    });
    const sketch = await sketchOf(values);
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const expected = [...counts].filter(([, c]) => c >= atomShare(FINE_BINS) * values.length).map(([v]) => v).sort((a, b) => a - b);
    expect(expected).toContain(7.55);
    expect(expected).toContain(-3.05);
    expect(expected).not.toContain(12.05);
    expect(sketch.atoms).toEqual(expected);
    expectExactBins(sketch, values);
  });

  it('beyond the exact-count limit (4096 distinct): Misra-Gries candidates counted in pass 2; those short of the share are merged away', async () => {
    const random = seededRandom(3);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    // A continuous column with a 3% atom, a 0.4% one and a 0.2% one (a candidate, then dropped).
    const values = Array.from({ length: 40_000 }, () => {
      const u = random();
      return u < 0.03 ? 1.5 : u < 0.034 ? -1 : u < 0.036 ? 2.5 : Math.round(normal() * 1e6) / 1e6;
    });
    const sketch = await sketchOf(values);
    expect(sketch.atoms).toEqual([-1, 1.5]);
    expect(sketch.fine_edges).not.toContain(previousDouble(2.5));
    expect(sketch.fine_edges).toContain(previousDouble(1.5));
    expect(sketch.edges.every((edge) => sketch.fine_edges.includes(edge))).toBe(true);
    expectExactBins(sketch, values);
  });

  it('a zero-inflated column: the atom at the minimum sits between the empty bin below it and the continuous tail', async () => {
    const random = seededRandom(4);
    const values = Array.from({ length: 20_000 }, () => (random() < 0.55 ? 0 : Math.round(Math.exp(3 + random() * 2) * 1e4) / 1e4));
    const sketch = await sketchOf(values);
    expect(sketch.atoms).toEqual([0]);
    expect(sketch.edges.slice(0, 2)).toEqual([previousDouble(0), 0]); // the coarse edges too: 0 is a quantile
    expect(sketch.fine_counts[0]).toBe(0);
    expect(sketch.fine_counts[1]).toBe(values.filter((v) => v === 0).length);
    expectExactBins(sketch, values);
  });
});

describe('chooseAtoms', () => {
  it('takes every value of a column with few, and otherwise the frequent ones up to the cap', () => {
    expect(chooseAtoms(new Map([[3, 1], [1, 5]]), 6, 200, true)).toEqual([1, 3]);
    const many = new Map(Array.from({ length: 300 }, (_, v) => [v, 300 - v] as [number, number]));
    const total = [...many.values()].reduce((a, b) => a + b, 0);
    const atoms = chooseAtoms(many, total, 200, true);
    expect(atoms).toEqual(Array.from({ length: 200 }, (_, v) => v).filter((v) => 300 - v >= total / 400));
    // Candidates only (not every value): the share decides even for a few.
    expect(chooseAtoms(new Map([[3, 1], [1, 5]]), 1000, 200, false)).toEqual([1]);
  });
});

describe('previousDouble and edgeBelowMinimum', () => {
  it('previousDouble(x) is the largest double below x (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -Number.MAX_VALUE }), (x) => {
        const below = previousDouble(x);
        if (x === -Number.MAX_VALUE) {
          expect(below).toBe(-Infinity);
          return;
        }
        expect(below).toBeLessThan(x);
        // No double lies strictly between: their midpoint rounds to one of them.
        const mid = below / 2 + x / 2;
        expect(mid === below || mid === x).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(previousDouble(0)).toBe(-Number.MIN_VALUE);
    expect(previousDouble(-0)).toBe(-Number.MIN_VALUE);
    expect(previousDouble(1)).toBe(1 - Number.EPSILON / 2);
    expect(previousDouble(Infinity)).toBe(Number.MAX_VALUE);
  });

  it('edgeBelowMinimum is previousDouble, or the minimum itself when nothing finite lies below it', () => {
    expect(edgeBelowMinimum(10)).toBe(previousDouble(10));
    expect(edgeBelowMinimum(-Number.MAX_VALUE)).toBe(-Number.MAX_VALUE);
  });
});

describe('mergeBins', () => {
  it('re-expresses counts and offsets on a subset of the edges (property)', () => {
    const scenario = fc
      .uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 30 })
      .chain((edges) =>
        fc.record({
          edges: fc.constant(edges.sort((a, b) => a - b)),
          keep: fc.array(fc.boolean(), { minLength: edges.length, maxLength: edges.length }),
          values: fc.array(fc.double({ min: -1200, max: 1200, noNaN: true }), { maxLength: 200 }),
        }),
      );
    fc.assert(
      fc.property(scenario, ({ edges, keep, values }) => {
        const to = edges.filter((_, i) => i === 0 || i === edges.length - 1 || keep[i]);
        const from = exactBins(edges, values);
        const merged = mergeBins(edges, from.counts, from.offsets, to);
        const direct = exactBins(to, values);
        expect(merged.counts).toEqual(direct.counts);
        merged.offsets.forEach((offset, i) => expect(Math.abs(offset - direct.offsets[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(direct.offsets[i]))));
      }),
      { numRuns: 300 },
    );
    expect(() => mergeBins([0, 1], [0, 0, 0], [0, 0, 0], [1])).toThrow(/the first edge must stay/);
  });
});
