// lookupBin is binIndex by another road: for any strictly increasing edges and any value
// (the edges themselves, their neighbours one ulp away, ±Infinity, clustered edges with a far
// outlier), both give the same bin.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBinLookup, lookupBin } from '../../src/stats/bin-lookup.js';
import { binIndex } from '../../src/stats/bins.js';

const strictlyIncreasing = (values: number[]): Float64Array => Float64Array.from([...new Set(values.map((v) => (v === 0 ? 0 : v)))].sort((a, b) => a - b));

function probes(edges: Float64Array, extra: number[]): number[] {
  const out = [...extra, Infinity, -Infinity, 0];
  for (const e of edges) {
    out.push(e, e + Math.abs(e) * Number.EPSILON, e - Math.abs(e) * Number.EPSILON, e + 1e-300, e - 1e-300);
  }
  return out.filter((v) => !Number.isNaN(v));
}

describe('lookupBin', () => {
  it('equals binIndex for random edges and values (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 0, maxLength: 300 }),
        fc.array(fc.double({ noNaN: true }), { maxLength: 50 }),
        (raw, values) => {
          const edges = strictlyIncreasing(raw);
          const lookup = createBinLookup(edges);
          for (const v of probes(edges, values)) expect(lookupBin(lookup, v)).toBe(binIndex(edges, v));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('equals binIndex for quantile-like edges: clustered, heavy-tailed, tiny and huge spans', () => {
    const cases: number[][] = [
      Array.from({ length: 220 }, (_, i) => Math.exp(((i - 110) / 40) ** 3)), // heavy right tail
      [...Array.from({ length: 200 }, (_, i) => i / 1000), 1e12], // clustered with a far outlier
      Array.from({ length: 200 }, (_, i) => 1 + i * Number.EPSILON * 4), // a span of a few ulps
      [-1.7e308, 0, 1.7e308], // a span that overflows to Infinity
      [5], // one edge
      Array.from({ length: 60 }, (_, i) => i), // integers (a discrete feature)
    ];
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.array(fc.double({ noNaN: true }), { maxLength: 200 }), (raw, values) => {
        const edges = strictlyIncreasing(raw);
        const lookup = createBinLookup(edges);
        const lo = edges[0];
        const hi = edges[edges.length - 1];
        const inside = values.map((v, i) => lo + ((hi - lo) * (i + 0.5)) / values.length + v * 0);
        for (const v of probes(edges, [...values, ...inside])) expect(lookupBin(lookup, v)).toBe(binIndex(edges, v));
      }),
      { numRuns: 300 },
    );
  });
});
