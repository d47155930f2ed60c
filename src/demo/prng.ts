// A seeded pseudo-random generator for the demo data. Everything the demo generates draws
// from one of these, never from Math.random, so the committed train.csv is byte-identical
// on every run and every machine. Beyond arithmetic only Math.imul, sqrt (exact by IEEE 754)
// and log, exp, sin, cos are used; V8 implements those four with fdlibm ports, the same on
// every platform and Node version we support (no Math.pow, whose V8 implementation changed).

/** splitmix32-style scrambling of a seed, so nearby seeds (1, 2, 3…) give unrelated streams. */
function scrambleSeed(seed: number): number {
  let z = (seed + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Prng {
  private state: number;
  /** Box-Muller makes normals in pairs; the second waits here. */
  private spareNormal: number | null = null;

  /** `stream` picks one of several independent sequences for the same seed. */
  constructor(seed: number, stream = 0) {
    if (!Number.isInteger(seed)) throw new Error(`PRNG seed must be an integer, not ${seed}`);
    this.state = scrambleSeed((seed ^ scrambleSeed(stream)) >>> 0);
  }

  /** Uniform on [0, 1) with 32 random bits (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A whole number on [min, max], both ends included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bernoulli(probability: number): boolean {
    return this.next() < probability;
  }

  /** Standard normal by Box-Muller. */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return mean + std * spare;
    }
    // 1 - next() is in (0, 1]: the log is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** exp(Normal(mu, sigma)): its median is exp(mu). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang; shape < 1 by the boost U^(1/shape). */
  gamma(shape: number): number {
    if (shape <= 0) throw new Error(`gamma shape must be positive, not ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.exp(Math.log(1 - this.next()) / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = 1 - this.next();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }

  /** Beta(a, b) as a ratio of gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
  }

  /** Poisson(lambda) by Knuth's product of uniforms (fine for the small lambdas used here). */
  poisson(lambda: number): number {
    const limit = Math.exp(-lambda);
    let k = 0;
    let product = this.next();
    while (product > limit) {
      k++;
      product *= this.next();
    }
    return k;
  }

  /** One of `choices`, each with probability proportional to its weight. */
  weighted<T>(choices: readonly { value: T; weight: number }[]): T {
    let total = 0;
    for (const choice of choices) total += choice.weight;
    let target = this.next() * total;
    for (const choice of choices) {
      target -= choice.weight;
      if (target < 0) return choice.value;
    }
    return choices[choices.length - 1].value;
  }
}
