// Where a byte string stops being UTF-8. TextDecoder only says that it does, not where; this
// runs after it has refused a body, so the error can name the byte offset. Same rules as the
// WHATWG decoder: no overlong forms, no surrogates, nothing above U+10FFFF, no cut-off tail.

/** Offset of the first byte of the first invalid sequence, or -1 if the bytes are valid. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  const end = bytes.length;
  let i = 0;
  while (i < end) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let secondMin = 0x80;
    let secondMax = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) secondMin = 0xa0; // overlong
      if (lead === 0xed) secondMax = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) secondMin = 0x90; // overlong
      if (lead === 0xf4) secondMax = 0x8f; // above U+10FFFF
    } else return i;
    if (i + length > end) return i;
    const second = bytes[i + 1];
    if (second < secondMin || second > secondMax) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}
