// Seeded samples for the stats tests: a small PRNG (sfc32) and the distributions the
// accuracy cases need. Deterministic for a given seed on every platform.

export type Random = () => number;

/** sfc32 seeded through splitmix32; uniform in [0, 1) with 32 random bits. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

/** Standard normal by Box-Muller (one of the pair; simplicity over speed). */
export function normal(random: Random, mean = 0, std = 1): number {
  const u = 1 - random(); // (0, 1], so the log is finite
  const v = random();
  return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function sample(count: number, draw: () => number): Float64Array {
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = draw();
  return values;
}

export const normals = (random: Random, count: number, mean = 0, std = 1): Float64Array =>
  sample(count, () => normal(random, mean, std));

export const lognormals = (random: Random, count: number, mu = 0, sigma = 1): Float64Array =>
  sample(count, () => Math.exp(normal(random, mu, sigma)));

/** Student t with `dof` degrees of freedom as normal / sqrt(chi2/dof); dof = 1 is Cauchy. */
export function studentT(random: Random, count: number, dof: number): Float64Array {
  return sample(count, () => {
    let chiSquare = 0;
    for (let k = 0; k < dof; k++) chiSquare += normal(random) ** 2;
    return normal(random) / Math.sqrt(chiSquare / dof);
  });
}

export const cauchy = (random: Random, count: number): Float64Array =>
  sample(count, () => Math.tan(Math.PI * (random() - 0.5)));

/** Population mean and std (ddof = 0). */
export function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}
