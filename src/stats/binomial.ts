// Binomial and multinomial variates, exact in distribution (no normal approximation), for
// the noise levels simulated at reference build time:
//   - n·min(p, 1-p) < 10: inversion (numpy's: a sequential search up the pmf from k = 0,
//     restarted in the astronomically unlikely case it passes mean + 10 sd + 1);
//   - otherwise BTRS, Hörmann (1993), "The generation of binomial random variates", J. Statist.
//     Comput. Simul. 46: transformed rejection from a pair of uniforms, a box that accepts most
//     pairs at once, and an exact test of the rest on ln f(k)/f(m) (TensorFlow's and JAX's
//     binomial samplers; valid from n·p = 10), from a table of ln k! up to 2^20 (the window
//     sizes of the noise grid fit), beyond it by Stirling's series.
// p > 1/2 draws n - Binomial(n, 1 - p). Tested against the exact pmf (test/stats/binomial.test.ts).
import { logGamma } from './gamma.js';
import type { Uniform } from './uniform.js';

const INVERSION_LIMIT = 10;

/** A Binomial(n, p) variate; n a non-negative integer, 0 <= p <= 1. */
export function binomial(random: Uniform, n: number, p: number): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p <= 0.5) return p * n < INVERSION_LIMIT ? binomialInversion(random, n, p) : binomialBtrs(random, n, p);
  const q = 1 - p;
  return n - (q * n < INVERSION_LIMIT ? binomialInversion(random, n, q) : binomialBtrs(random, n, q));
}

/** Inversion for p <= 1/2 and n·p < 10: expected n·p + 1 steps. */
function binomialInversion(random: Uniform, n: number, p: number): number {
  const q = 1 - p;
  const qn = Math.exp(n * Math.log(q));
  const np = n * p;
  const bound = Math.min(n, np + 10 * Math.sqrt(np * q + 1));
  let x = 0;
  let px = qn;
  let u = random();
  while (u > px) {
    x++;
    if (x > bound) {
      x = 0;
      px = qn;
      u = random();
    } else {
      u -= px;
      px = ((n - x + 1) * p * px) / (x * q);
    }
  }
  return x;
}

/** fc(k) = ln k! - [(k + 1/2) ln(k + 1) - (k + 1) + ln √(2π)]: tabulated below 10, else Stirling's series. */
const STIRLING_TAIL = [
  0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
  0.0138761288230707, 0.0118967099458917, 0.010411265261972, 0.00925546218271273, 0.00833056343336287,
];

function stirlingTail(k: number): number {
  if (k <= 9) return STIRLING_TAIL[k];
  const square = (k + 1) * (k + 1);
  return (1 / 12 - (1 / 360 - 1 / 1260 / square) / square) / (k + 1);
}

/** ln k! for k < LOG_FACTORIAL_SIZE, filled on first use (8 MB; ln Γ(k + 1) by Lanczos, ~1e-15 relative). */
const LOG_FACTORIAL_SIZE = 1 << 20;
let logFactorial: Float64Array | null = null;

function logFactorials(): Float64Array {
  if (logFactorial === null) {
    logFactorial = new Float64Array(LOG_FACTORIAL_SIZE);
    for (let k = 2; k < LOG_FACTORIAL_SIZE; k++) logFactorial[k] = logGamma(k + 1);
  }
  return logFactorial;
}

/**
 * ln f(k)/f(m) for Binomial(n, p), r = p/q: ln m! - ln k! + ln (n-m)! - ln (n-k)! + (k - m) ln r;
 * from the table when n fits in it, else by Stirling's formula with its series tail (fc).
 */
function logPmfRatio(n: number, k: number, m: number, r: number): number {
  if (n < LOG_FACTORIAL_SIZE) {
    const table = logFactorials();
    return table[m] - table[k] + table[n - m] - table[n - k] + (k - m) * Math.log(r);
  }
  return (
    (m + 0.5) * Math.log((m + 1) / (r * (n - m + 1))) +
    (n + 1) * Math.log((n - m + 1) / (n - k + 1)) +
    (k + 0.5) * Math.log((r * (n - k + 1)) / (k + 1)) +
    stirlingTail(m) +
    stirlingTail(n - m) -
    stirlingTail(k) -
    stirlingTail(n - k)
  );
}

/** BTRS for p <= 1/2 and n·p >= 10: accepts ~80% of uniform pairs by the box test alone. */
function binomialBtrs(random: Uniform, n: number, p: number): number {
  const spq = Math.sqrt(n * p * (1 - p));
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  for (;;) {
    const u = random() - 0.5;
    let v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || k > n) continue;
    // Outside the box: the exact test, log v·α/(a/us² + b) against log f(k)/f(m) by Stirling.
    const r = p / (1 - p);
    const alpha = (2.83 + 5.1 / b) * spq;
    const m = Math.floor((n + 1) * p);
    v = Math.log((v * alpha) / (a / (us * us) + b));
    if (v <= logPmfRatio(n, k, m, r)) return k;
  }
}

/**
 * A Multinomial(n, weights / Σ weights) draw into `out` (same length as `weights`), by
 * conditional binomials: bin i gets Binomial(n left, w_i / weight left). O(bins), whatever n.
 * Weights are non-negative (counts, typically); a zero weight gets 0.
 */
export function multinomial(random: Uniform, n: number, weights: ArrayLike<number>, out: Float64Array): void {
  let remainingWeight = 0;
  for (let i = 0; i < weights.length; i++) remainingWeight += weights[i];
  let remaining = n;
  const last = weights.length - 1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (remaining === 0 || w === 0) {
      out[i] = 0;
    } else if (i === last || w >= remainingWeight) {
      out[i] = remaining;
      remaining = 0;
    } else {
      const k = binomial(random, remaining, w / remainingWeight);
      out[i] = k;
      remaining -= k;
    }
    remainingWeight -= w;
  }
}

/**
 * Repeated Multinomial(n, weights / Σ weights) draws over fixed weights. Small n (up to
 * DIRECT_PER_BIN values per bin) draws the n values one by one from Walker's alias table (Vose's
 * construction; one uniform per value picks a column and, from its fractional part, the column's
 * own bin or its alias), which costs less than a binomial per bin; larger n uses multinomial().
 */
export class MultinomialSampler {
  private readonly weights: Float64Array;
  private readonly threshold: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const k = weights.length;
    this.weights = Float64Array.from(weights);
    this.threshold = new Float64Array(k);
    this.alias = new Int32Array(k);
    let total = 0;
    for (let i = 0; i < k; i++) total += this.weights[i];
    const scaled = this.weights.map((w) => (w * k) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((x, i) => (x < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large[large.length - 1];
      this.threshold[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) small.push(large.pop() as number);
    }
    // What is left is 1 up to rounding: always its own bin (never a bin of weight 0).
    const heaviest = this.weights.indexOf(Math.max(...this.weights));
    for (const i of [...small, ...large]) {
      this.threshold[i] = this.weights[i] > 0 ? 1 : 0;
      this.alias[i] = heaviest;
    }
  }

  draw(random: Uniform, n: number, out: Float64Array): void {
    const k = this.weights.length;
    if (n > DIRECT_PER_BIN * k) {
      multinomial(random, n, this.weights, out);
      return;
    }
    out.fill(0);
    for (let i = 0; i < n; i++) {
      const u = random() * k;
      const column = Math.floor(u);
      out[u - column < this.threshold[column] ? column : this.alias[column]]++;
    }
  }
}

/** Below this many values per bin, drawing values one by one beats a binomial per bin. */
const DIRECT_PER_BIN = 2;
