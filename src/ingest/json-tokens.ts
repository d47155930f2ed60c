// The scalar pieces of JSON over bytes — whitespace, strings, numbers, literals — for
// json-scan.ts. Each returns where the piece ends or throws a JsonSyntaxError at its start.
import { JsonSyntaxError } from './json-error.js';

export const TAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SPACE = 0x20;
export const QUOTE = 0x22;
export const PLUS = 0x2b;
export const COMMA = 0x2c;
export const MINUS = 0x2d;
export const DOT = 0x2e;
export const ZERO = 0x30;
export const NINE = 0x39;
export const COLON = 0x3a;
export const BACKSLASH = 0x5c;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;


const LITERALS: readonly Uint8Array[] = ['true', 'false', 'null'].map((l) => Buffer.from(l, 'latin1'));
export const NAN_BYTES = Buffer.from('NaN', 'latin1');
export const INFINITY_BYTES = Buffer.from('Infinity', 'latin1');
export const MINUS_INFINITY_BYTES = Buffer.from('-Infinity', 'latin1');

export function skipWhitespace(bytes: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i];
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
  return i;
}

export function startsWith(bytes: Uint8Array, i: number, end: number, word: Uint8Array): boolean {
  if (i + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word[k]) return false;
  return true;
}

/**
 * A string's content from i (just after the opening quote, or where it paused): the index after
 * its closing quote, or −(k + 1) when it reached stopAt at k first (never inside an escape).
 */
export function scanStringBody(bytes: Uint8Array, i: number, end: number, stopAt: number): number {
  for (; i < end; i++) {
    if (i >= stopAt) return -i - 1;
    const c = bytes[i];
    if (c === QUOTE) return i + 1;
    if (c < SPACE) throw new JsonSyntaxError('control character in a string (escape it)', i);
    if (c !== BACKSLASH) continue;
    const e = i + 1 < end ? bytes[i + 1] : -1;
    if (e === 0x75 /* u */) {
      for (let k = i + 2; k < i + 6; k++) {
        if (k >= end || !isHexDigit(bytes[k])) throw new JsonSyntaxError('invalid \\u escape in a string', i);
      }
      i += 5;
    } else if (isSimpleEscape(e)) {
      i++;
    } else {
      throw new JsonSyntaxError('invalid escape in a string', i);
    }
  }
  throw new JsonSyntaxError('unterminated string', end);
}

function isSimpleEscape(c: number): boolean {
  // " \ / b f n r t
  return c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;
}

function isHexDigit(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? ; returns the index after it. */
export function scanNumber(bytes: Uint8Array, i: number, end: number): number {
  const start = i;
  if (bytes[i] === MINUS) i++;
  if (i < end && bytes[i] === ZERO) i++;
  else if (isDigitAt(bytes, i, end)) i = skipDigits(bytes, i, end);
  else throw new JsonSyntaxError('invalid number', start);
  if (i < end && bytes[i] === DOT) {
    if (!isDigitAt(bytes, i + 1, end)) throw new JsonSyntaxError('invalid number (no digit after the decimal point)', start);
    i = skipDigits(bytes, i + 1, end);
  }
  if (i < end && (bytes[i] === 0x65 || bytes[i] === 0x45) /* e E */) {
    i++;
    if (i < end && (bytes[i] === PLUS || bytes[i] === MINUS)) i++;
    if (!isDigitAt(bytes, i, end)) throw new JsonSyntaxError('invalid number (no digit in the exponent)', start);
    i = skipDigits(bytes, i, end);
  }
  return i;
}

function isDigitAt(bytes: Uint8Array, i: number, end: number): boolean {
  return i < end && bytes[i] >= ZERO && bytes[i] <= NINE;
}

function skipDigits(bytes: Uint8Array, i: number, end: number): number {
  while (isDigitAt(bytes, i, end)) i++;
  return i;
}

export function scanLiteral(bytes: Uint8Array, i: number, end: number): number {
  for (const literal of LITERALS) if (startsWith(bytes, i, end, literal)) return i + literal.length;
  throw new JsonSyntaxError('expected a value', i);
}
