// Reproducible randomness for the reference build. tdigest 0.1.3 calls Math.random
// while it compresses (it re-inserts centroids in random order), so two builds of the
// same data would differ by a few ulps in the centroids, the edges and the checksum.
// We lend it a seeded generator for the duration of each synchronous digest call.

/** A small, fast 32-bit PRNG (mulberry32); returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string: a stable seed per feature name. */
export function seedFromName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Runs `fn` with Math.random replaced by `random`, restoring it even if `fn` throws.
 * `fn` must be synchronous: nothing else can run (and see the swap) before it returns.
 */
export function withMathRandom<T>(random: () => number, fn: () => T): T {
  const original = Math.random;
  Math.random = random;
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
