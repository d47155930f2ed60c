// The double just below a value: the edge that closes the bin under an atom, so the bin
// (previousDouble(a), a] holds exactly the values equal to a (no double lies strictly between).

const scratch = new Float64Array(1);
const bits = new BigInt64Array(scratch.buffer);

/** The largest double below x: -Infinity for -Number.MAX_VALUE, NaN for NaN, -Number.MIN_VALUE for ±0. */
export function previousDouble(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return x;
  if (x === 0) return -Number.MIN_VALUE;
  if (x === Infinity) return Number.MAX_VALUE;
  scratch[0] = x;
  // The bit patterns of positive doubles increase with their value, of negative ones decrease.
  bits[0] += x > 0 ? -1n : 1n;
  return scratch[0];
}
