// A seeded source of uniform doubles for simulations that must be reproducible (the noise
// levels written into a reference). sfc32 (Chris Doty-Humphrey's small fast counting RNG,
// 128-bit state, passes PractRand/BigCrush), seeded through splitmix32; each double takes
// two 32-bit outputs, so it has the full 53 bits a double holds in [0, 1). Only integer
// arithmetic: the same stream on every platform and Node version.

export type Uniform = () => number;

/** splitmix32 scrambling, so nearby seeds give unrelated streams. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) >>> 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Uniform doubles on [0, 1) with 53 random bits, from a 32-bit seed. */
export function seededUniform(seed: number): Uniform {
  const init = { s: seed >>> 0 };
  // The state lives in a typed array: 32-bit values held in closure variables would be boxed
  // as heap numbers at every step (V8's small integers are 31-bit), ~20x slower.
  const state = new Uint32Array([splitmix32(init), splitmix32(init), splitmix32(init), splitmix32(init)]);
  const next32 = (): number => {
    const a = state[0];
    const b = state[1];
    const c = state[2];
    const d = state[3];
    const t = (a + b + d) >>> 0;
    state[3] = d + 1;
    state[0] = b ^ (b >>> 9);
    state[1] = c + (c << 3);
    state[2] = ((c << 21) | (c >>> 11)) + t;
    return t;
  };
  // Skip the first outputs: sfc32's state mixes in after a few rounds.
  for (let i = 0; i < 12; i++) next32();
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}
