// binIndex, the one binning rule: upper-inclusive bins; n strictly increasing edges make
// n + 1 bins; bin 0 = (-Inf, e_0], bin i = (e_{i-1}, e_i], bin n = (e_{n-1}, +Inf).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binIndex } from '../../src/stats/bins.js';

// A fixed seed: the same cases on every run (shrunk counterexamples stay reproducible).
fc.configureGlobal({ seed: 20_260_101 });

/** The rule read literally: the first bin whose upper edge is >= value, else the last bin. */
function binByLinearScan(edges: readonly number[], value: number): number {
  for (let i = 0; i < edges.length; i++) if (value <= edges[i]) return i;
  return edges.length;
}

const strictlyIncreasing = (values: number[]): number[] => [...new Set(values)].sort((a, b) => a - b);
const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });

describe('binIndex', () => {
  it('puts a value equal to an edge in the bin that edge closes (upper-inclusive)', () => {
    const edges = [0, 1, 2.5];
    expect(binIndex(edges, 0)).toBe(0);
    expect(binIndex(edges, 1)).toBe(1);
    expect(binIndex(edges, 2.5)).toBe(2);
  });

  it('puts values below the first edge in bin 0 and above the last in bin n', () => {
    const edges = Float64Array.of(-3, 4);
    expect(binIndex(edges, -Infinity)).toBe(0);
    expect(binIndex(edges, -3.0000001)).toBe(0);
    expect(binIndex(edges, -2.9999999)).toBe(1);
    expect(binIndex(edges, 4.0000001)).toBe(2);
    expect(binIndex(edges, Infinity)).toBe(2);
  });

  it('with one edge has two bins, with none one', () => {
    expect(binIndex([5], 5)).toBe(0);
    expect(binIndex([5], 5.5)).toBe(1);
    expect(binIndex([], 123)).toBe(0);
  });

  it('treats -0 and +0 as the same edge', () => {
    expect(binIndex([0], -0)).toBe(0);
    expect(binIndex([-0], 0)).toBe(0);
  });

  it('agrees with a linear scan for any edges and value (property)', () => {
    fc.assert(
      fc.property(fc.array(finiteDouble, { maxLength: 60 }), finiteDouble, fc.boolean(), (raw, value, onEdge) => {
        const edges = strictlyIncreasing(raw);
        // Half the time probe an edge itself, where off-by-one errors live.
        const probe = onEdge && edges.length > 0 ? edges[Math.abs(Math.trunc(value)) % edges.length] : value;
        expect(binIndex(edges, probe)).toBe(binByLinearScan(edges, probe));
        expect(binIndex(Float64Array.from(edges), probe)).toBe(binByLinearScan(edges, probe));
      }),
      { numRuns: 2000 },
    );
  });
});
