// A seeded PRNG (mulberry32) so every run posts the same bodies and builds the same references.

/**
 * @typedef {object} Random
 * @property {() => number} next        uniform in [0, 1)
 * @property {() => number} normal      standard normal
 * @property {(n: number) => number} int  uniform integer in [0, n)
 */

/**
 * @param {number} seed
 * @returns {Random}
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    // Box–Muller; 1 - next() keeps the logarithm's argument above 0.
    const u = 1 - next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return { next, normal, int: (n) => Math.floor(next() * n) };
}
