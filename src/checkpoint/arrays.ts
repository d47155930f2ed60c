// Typed arrays to and from a payload, in a fixed order both sides agree on. The copy goes
// through byte views, so neither side needs the payload to be 8-byte aligned.

type Numbers = Float64Array;

export function byteLengthOf(arrays: readonly Numbers[]): number {
  let total = 0;
  for (const a of arrays) total += a.byteLength;
  return total;
}

/** The arrays' bytes, one after the other, into `into` when it is large enough (else a new buffer); returns the bytes written. */
export function packArrays(arrays: readonly Numbers[], into?: Buffer): Buffer {
  const length = byteLengthOf(arrays);
  const out = into !== undefined && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
  let at = 0;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

/** Fill the arrays from the payload; false (nothing written) when its length is not theirs. */
export function unpackArrays(payload: Buffer, arrays: readonly Numbers[]): boolean {
  if (payload.length !== byteLengthOf(arrays)) return false;
  let at = 0;
  for (const a of arrays) {
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(payload.subarray(at, at + a.byteLength));
    at += a.byteLength;
  }
  return true;
}
