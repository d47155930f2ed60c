// The binomial sampler against the exact binomial pmf: for each (n, p) — inversion and BTRS
// regimes, their boundary (n·p = 10), p > 1/2, n up to 2e9 — 100,000 draws are compared with
// the pmf by a chi-square goodness-of-fit test (consecutive values grouped until each group
// expects at least 20 draws) and by their mean and variance. The pmf oracle is written here from
// ln k! as a plain sum of logs, independent of src/. Seeds are fixed: the verdicts are
// reproducible; the GOF threshold p > 1e-4 over 14 cases would fail a correct sampler with
// probability ~1e-3, a sampler off by 1% in one region fails it surely at this sample size.
import { describe, expect, it } from 'vitest';
import { MultinomialSampler, binomial, multinomial } from '../../src/stats/binomial.js';
import { chiSquareSurvival } from '../../src/stats/gamma.js';
import { seededUniform } from '../../src/stats/uniform.js';

const DRAWS = 100_000;
/** Three BTRS cases get 20x more draws: a box test slightly too generous moves well under 1% of the mass. */
const MANY_DRAWS = 2_000_000;

/** ln k! as a plain sum of logs, grown on demand up to TABLE_LIMIT (Kahan-summed: exact to ~1e-16 relative). */
const TABLE_LIMIT = 6_000_000;
let lnFactorialTable = new Float64Array(1);
function lnFactorial(k: number): number {
  if (k >= lnFactorialTable.length) {
    const grown = new Float64Array(Math.min(TABLE_LIMIT, Math.max(k + 1, 2 * lnFactorialTable.length)));
    grown.set(lnFactorialTable);
    let sum = lnFactorialTable[lnFactorialTable.length - 1];
    let carry = 0;
    for (let i = lnFactorialTable.length; i < grown.length; i++) {
      const y = Math.log(i) - carry;
      const t = sum + y;
      carry = t - sum - y;
      sum = t;
      grown[i] = sum;
    }
    lnFactorialTable = grown;
  }
  return lnFactorialTable[k];
}

/** ln C(n, k): from the table of ln k! up to 6e6, else as Σ ln((n - k + i) / i) (small k only). */
function lnChoose(n: number, k: number): number {
  if (n < TABLE_LIMIT) return lnFactorial(n) - lnFactorial(k) - lnFactorial(n - k);
  const j = Math.min(k, n - k);
  if (j > 10_000) throw new Error(`lnChoose(${n}, ${k}): too many terms for the oracle`);
  let sum = 0;
  for (let i = 1; i <= j; i++) sum += Math.log((n - j + i) / i);
  return sum;
}

function pmf(n: number, p: number, k: number): number {
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(lnChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** Chi-square GOF p-value of observed counts by k against the pmf, groups expecting >= 20. */
function goodnessOfFit(n: number, p: number, observed: Map<number, number>, draws: number): { pValue: number; groups: number } {
  const mean = n * p;
  const sd = Math.sqrt(n * p * (1 - p));
  const lo = Math.max(0, Math.floor(mean - 12 * sd - 5));
  const hi = Math.min(n, Math.ceil(mean + 12 * sd + 5));
  for (const k of observed.keys()) if (k < lo || k > hi) throw new Error(`draw ${k} beyond 12 sd of Binomial(${n}, ${p})`);
  const groups: { expected: number; observed: number }[] = [];
  let expected = 0;
  let seen = 0;
  // Mass below lo and above hi (< 1e-30) is ignored.
  for (let k = lo; k <= hi; k++) {
    expected += draws * pmf(n, p, k);
    seen += observed.get(k) ?? 0;
    if (expected >= 20) {
      groups.push({ expected, observed: seen });
      expected = 0;
      seen = 0;
    }
  }
  if (groups.length === 0) return { pValue: 1, groups: 0 };
  const last = groups[groups.length - 1];
  last.expected += expected;
  last.observed += seen;
  const statistic = groups.reduce((sum, g) => sum + (g.observed - g.expected) ** 2 / g.expected, 0);
  return { pValue: groups.length > 1 ? chiSquareSurvival(statistic, groups.length - 1) : 1, groups: groups.length };
}

const CASES: [number, number][] = [
  [1, 0.3],
  [10, 0.5],
  [50, 0.19], // inversion, n·p = 9.5
  [100, 0.1], // BTRS at its limit, n·p = 10
  [101, 0.3], // BTRS, n·p = 30.3
  [1000, 0.05], // n·p = 50
  [1000, 0.9], // n - BTRS(1000, 0.1)
  [200, 0.97], // n - inversion(200, 0.03)
  [100_000, 3e-5], // inversion with a large n
  [105, 0.1], // n·p = 10.5
  [60, 0.25], // n·p = 15
  [2000, 0.01], // n·p = 20
  [5000, 0.2], // n·p·q = 800
  [1_000_000, 0.001],
  [5_000_000, 0.01], // BTRS beyond the log-factorial table (n >= 2^20): Stirling's formula
  [1_000_000, 0.5],
  [123_457, 0.61803],
  [2_000_000_000, 1e-9], // n·p = 2
];

const LARGE_CASES: [number, number][] = [
  [1000, 0.05],
  [1_000_000, 0.3],
  [2_000_000, 1.5e-5], // beyond the ln k! table, at n·p = 30, where half the pairs reach the exact test
];

describe('binomial(n, p) matches the exact binomial pmf (100,000 draws per case; 2,000,000 for two)', () => {
  [...CASES.map((c) => [...c, DRAWS]), ...LARGE_CASES.map((c) => [...c, MANY_DRAWS])].forEach(([n, p, draws], index) => {
    it(`Binomial(${n}, ${p}), ${draws} draws`, () => {
      const random = seededUniform(1000 + index);
      const observed = new Map<number, number>();
      let sum = 0;
      let sumSquares = 0;
      let invalid = 0;
      for (let i = 0; i < draws; i++) {
        const k = binomial(random, n, p);
        if (!(Number.isInteger(k) && k >= 0 && k <= n)) invalid++;
        observed.set(k, (observed.get(k) ?? 0) + 1);
        sum += k;
        sumSquares += k * k;
      }
      expect(invalid, 'draws that are not integers in [0, n]').toBe(0);
      const { pValue } = goodnessOfFit(n, p, observed, draws);
      expect(pValue, `GOF p-value of Binomial(${n}, ${p})`).toBeGreaterThan(1e-4);
      const mean = sum / draws;
      const variance = sumSquares / draws - mean * mean;
      const exactVariance = n * p * (1 - p);
      // The sample mean within 5 standard errors; the variance within 5% (its SE is ~0.5%).
      expect(Math.abs(mean - n * p)).toBeLessThan(5 * Math.sqrt(exactVariance / draws) + 1e-12);
      expect(Math.abs(variance / exactVariance - 1)).toBeLessThan(0.05);
    });
  });

  it('degenerate cases', () => {
    const random = seededUniform(1);
    expect(binomial(random, 0, 0.5)).toBe(0);
    expect(binomial(random, 17, 0)).toBe(0);
    expect(binomial(random, 17, 1)).toBe(17);
  });

  it('is reproducible for a seed', () => {
    const a = seededUniform(42);
    const b = seededUniform(42);
    const draws = (random: () => number): number[] => Array.from({ length: 50 }, (_, i) => binomial(random, 10 ** (i % 7), 0.37));
    expect(draws(a)).toEqual(draws(b));
  });
});

type MultinomialDraw = (random: () => number, n: number, weights: number[], out: Float64Array) => void;
const SAMPLERS: [string, MultinomialDraw][] = [
  ['multinomial (conditional binomials)', multinomial],
  // n = 4 over 4 bins: the sampler draws the values one by one from its alias table.
  ['MultinomialSampler (alias table)', (random, n, weights, out) => new MultinomialSampler(weights).draw(random, n, out)],
];

describe.each(SAMPLERS)('%s', (_, draw) => {
  it('every outcome of Multinomial(4; 0.5, 0.3, 0.2, 0) at its exact probability (100,000 draws)', () => {
    const weights = [5, 3, 2, 0];
    const random = seededUniform(7);
    const out = new Float64Array(4);
    const observed = new Map<string, number>();
    let invalid = 0;
    for (let i = 0; i < DRAWS; i++) {
      draw(random, 4, weights, out);
      if (out[0] + out[1] + out[2] + out[3] !== 4 || out[3] !== 0) invalid++;
      const key = `${out[0]},${out[1]},${out[2]}`;
      observed.set(key, (observed.get(key) ?? 0) + 1);
    }
    expect(invalid).toBe(0);
    let statistic = 0;
    let outcomes = 0;
    for (let a = 0; a <= 4; a++) {
      for (let b = 0; a + b <= 4; b++) {
        const c = 4 - a - b;
        const probability = Math.exp(lnFactorial(4) - lnFactorial(a) - lnFactorial(b) - lnFactorial(c) + a * Math.log(0.5) + b * Math.log(0.3) + c * Math.log(0.2));
        const expected = DRAWS * probability;
        statistic += ((observed.get(`${a},${b},${c}`) ?? 0) - expected) ** 2 / expected;
        outcomes++;
      }
    }
    expect(chiSquareSurvival(statistic, outcomes - 1)).toBeGreaterThan(1e-4);
  });

  it('each bin of a small draw (alias path of the sampler) is Binomial(n, p_i)', () => {
    const weights = [7, 0, 1, 12, 3];
    const total = weights.reduce((a, b) => a + b, 0);
    const random = seededUniform(9);
    const out = new Float64Array(weights.length);
    const sums = new Float64Array(weights.length);
    for (let i = 0; i < DRAWS; i++) {
      draw(random, 9, weights, out);
      for (let j = 0; j < out.length; j++) sums[j] += out[j];
    }
    weights.forEach((w, j) => {
      const p = w / total;
      expect(Math.abs(sums[j] / DRAWS - 9 * p), `bin ${j}`).toBeLessThanOrEqual(5 * Math.sqrt((9 * p * (1 - p)) / DRAWS));
    });
    expect(sums[1]).toBe(0);
  });

  it('each bin of a large draw is Binomial(n, p_i): means and variances over 20,000 draws', () => {
    const weights = [1, 1000, 0, 99_000, 3, 10_000];
    const total = weights.reduce((a, b) => a + b, 0);
    const n = 1_000_000;
    const random = seededUniform(8);
    const out = new Float64Array(weights.length);
    const draws = 20_000;
    const sums = new Float64Array(weights.length);
    const squares = new Float64Array(weights.length);
    let wrongTotals = 0;
    for (let i = 0; i < draws; i++) {
      draw(random, n, weights, out);
      let count = 0;
      for (let j = 0; j < out.length; j++) {
        count += out[j];
        sums[j] += out[j];
        squares[j] += out[j] * out[j];
      }
      if (count !== n) wrongTotals++;
    }
    expect(wrongTotals).toBe(0);
    weights.forEach((w, j) => {
      const p = w / total;
      const mean = sums[j] / draws;
      const variance = squares[j] / draws - mean * mean;
      expect(Math.abs(mean - n * p), `bin ${j} mean`).toBeLessThanOrEqual(5 * Math.sqrt((n * p * (1 - p)) / draws));
      if (p > 0) expect(Math.abs(variance / (n * p * (1 - p)) - 1), `bin ${j} variance`).toBeLessThan(0.1);
    });
  });
});
