// Bucket bounds are written as Go's strconv.FormatFloat(x, 'g', -1, 64) plus ".0" for a bare
// integer — what Prometheus 3 rewrites `le` into — so the strings never change on the way in.
// Expected strings: Go's documented 'g' rule (exponent form when exp < -4 or exp >= 6 for the
// shortest representation, two-digit minimum exponent).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLe } from '../../src/metrics/family.js';

describe('formatLe', () => {
  it.each([
    [18, '18.0'],
    [0, '0.0'],
    [-0, '0.0'],
    [1, '1.0'],
    [-2.5, '-2.5'],
    [0.001, '0.001'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e-7, '1e-07'],
    [123456.7, '123456.7'],
    [999999, '999999.0'],
    [1000000, '1e+06'],
    [2500000, '2.5e+06'],
    [-1e6, '-1e+06'],
    [1.5e300, '1.5e+300'],
    [5e-324, '5e-324'],
    // The first edge of a reference (format 2) is the double below its minimum:
    [-Number.MIN_VALUE, '-5e-324'], // below 0
    [17.999999999999996, '17.999999999999996'], // below 18
    [999999.9999999999, '999999.9999999999'], // below 1e6
    [0.9999999999999999, '0.9999999999999999'], // below 1
    [1767225599.9999998, '1.7672255999999998e+09'], // below a Unix time
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%s → %s', (bound, text) => {
    expect(formatLe(bound)).toBe(text);
  });

  it('round-trips every finite double (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = formatLe(x);
        expect(Number(text)).toBe(x === 0 ? 0 : x);
        expect(text).toMatch(/^-?\d+(\.\d+)?(e[+-]\d{2,3})?$/);
        expect(/[.e]/.test(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
