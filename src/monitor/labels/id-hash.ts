// An event id (a string, or a number: 123 and "123" are the same id) as two 32-bit hashes:
// `h1` places it in the join store's index, `h2` verifies a match. Computed from the
// characters in place, no string is made (the prediction hot path calls this per event).
// Two different ids collide only when both hashes agree (about n²/2⁶⁵ for n pending ids:
// 3·10⁻⁸ at a million); such ids are then treated as one.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const MURMUR_SEED = 0x9747b28c;
/** Digits of a safe integer, least significant first (reused). */
const digits = new Uint8Array(24);

export class IdHash {
  h1 = 0;
  h2 = 0;

  /** Hash `id`; false when it is not an id (a non-empty string or a finite number). */
  of(id: unknown): boolean {
    if (typeof id === 'string') {
      if (id.length === 0) return false;
      this.ofString(id);
      return true;
    }
    if (typeof id === 'number' && Number.isFinite(id)) {
      if (Number.isSafeInteger(id)) this.ofInteger(id);
      else this.ofString(String(id));
      return true;
    }
    return false;
  }

  private ofString(id: string): void {
    let a = FNV_OFFSET;
    let b = MURMUR_SEED ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, FNV_PRIME);
      b = mix(b, c);
    }
    this.h1 = finish(a) >>> 0;
    this.h2 = finish(b) >>> 0;
  }

  /** The same hashes as the string of these ASCII bytes (a label line read from its bytes). */
  ofAscii(bytes: Uint8Array, start: number, end: number): void {
    let a = FNV_OFFSET;
    let b = MURMUR_SEED ^ (end - start);
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      a = Math.imul(a ^ c, FNV_PRIME);
      b = mix(b, c);
    }
    this.h1 = finish(a) >>> 0;
    this.h2 = finish(b) >>> 0;
  }

  /** The same hashes as the integer's decimal string. */
  private ofInteger(id: number): void {
    let n = Math.abs(id);
    let count = 0;
    do {
      digits[count++] = n % 10;
      n = Math.floor(n / 10);
    } while (n > 0);
    const length = count + (id < 0 ? 1 : 0);
    let a = FNV_OFFSET;
    let b = MURMUR_SEED ^ length;
    if (id < 0) {
      a = Math.imul(a ^ 45, FNV_PRIME);
      b = mix(b, 45);
    }
    for (let i = count - 1; i >= 0; i--) {
      const c = 48 + digits[i];
      a = Math.imul(a ^ c, FNV_PRIME);
      b = mix(b, c);
    }
    this.h1 = finish(a) >>> 0;
    this.h2 = finish(b) >>> 0;
  }
}

/** One MurmurHash3 round over a character. */
function mix(h: number, c: number): number {
  let k = Math.imul(c, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finaliser: every input bit reaches every output bit. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
