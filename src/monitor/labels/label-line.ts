// The usual NDJSON label line read from its bytes, without JSON.parse: a flat object whose keys
// are among "id", "label" and "timestamp", each at most once, each value a string without
// escapes, a JSON number, true or false, JSON whitespace anywhere between tokens. Parsing a
// label line costs more than joining it (a string, a parse, an object); this reads the same
// line in a fraction of that. Anything else — another key, an escape, null, a nested value, a
// syntax error — is not read here and goes through JSON.parse as before, so the fast path
// never changes an answer: it only says where each value's bytes are.
import { startsWith } from '../../ingest/json-tokens.js';

/** What a value was. */
export const NONE = 0;
export const STRING = 1;
export const NUMBER = 2;
export const TRUE = 3;
export const FALSE = 4;

// The byte values json-tokens.ts also exports, kept module-local: imported they measured
// about 40% slower per line here (180 → 255 ns per line in an in-process A/B).
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** One value's place in the line: its kind, and for strings the bytes between the quotes. */
export interface ValueSpan {
  kind: number;
  start: number;
  end: number;
  /** STRING: only ASCII bytes. NUMBER: an integer literal (no fraction, no exponent). */
  plain: boolean;
}

const span = (): ValueSpan => ({ kind: NONE, start: 0, end: 0, plain: false });

export class LabelLine {
  readonly id: ValueSpan = span();
  readonly label: ValueSpan = span();
  readonly timestamp: ValueSpan = span();
  private body: Uint8Array = new Uint8Array(0);
  private end = 0;

  /** Read the line body[start, end); false when it is not of the usual form (parse it instead). */
  read(body: Uint8Array, start: number, end: number): boolean {
    this.body = body;
    this.end = end;
    this.id.kind = NONE;
    this.label.kind = NONE;
    this.timestamp.kind = NONE;
    let at = this.skipSpace(start);
    if (at >= end || body[at] !== OPEN) return false;
    at = this.skipSpace(at + 1);
    for (;;) {
      if (at >= end || body[at] !== QUOTE) return false;
      const keyEnd = this.stringEnd(at + 1);
      if (keyEnd < 0) return false;
      const value = this.keySpan(at + 1, keyEnd);
      if (value === null || value.kind !== NONE) return false;
      at = this.skipSpace(keyEnd + 1);
      if (at >= end || body[at] !== COLON) return false;
      at = this.readValue(this.skipSpace(at + 1), value);
      if (at < 0) return false;
      at = this.skipSpace(at);
      if (at >= end) return false;
      if (body[at] === CLOSE) break;
      if (body[at] !== COMMA) return false;
      at = this.skipSpace(at + 1);
    }
    return this.skipSpace(at + 1) === end;
  }

  /** The span a key names, or null for any other key. */
  private keySpan(start: number, end: number): ValueSpan | null {
    const b = this.body;
    const length = end - start;
    if (length === 2 && b[start] === 0x69 && b[start + 1] === 0x64) return this.id;
    if (length === 5 && startsWith(b, start, end, LABEL_KEY)) return this.label;
    if (length === 9 && startsWith(b, start, end, TIMESTAMP_KEY)) return this.timestamp;
    return null;
  }

  /** One value from `at` into `value`; the position after it, or -1. */
  private readValue(at: number, value: ValueSpan): number {
    const b = this.body;
    if (at >= this.end) return -1;
    const c = b[at];
    if (c === QUOTE) {
      const close = this.stringEnd(at + 1);
      if (close < 0) return -1;
      value.kind = STRING;
      value.start = at + 1;
      value.end = close;
      value.plain = isAscii(b, at + 1, close);
      return close + 1;
    }
    if (c === 0x74) return this.literal(at, TRUE_BYTES, TRUE, value);
    if (c === 0x66) return this.literal(at, FALSE_BYTES, FALSE, value);
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.number(at, value);
    return -1;
  }

  /** A JSON number literal (RFC 8259 §6); the position after it, or -1. */
  private number(start: number, value: ValueSpan): number {
    const b = this.body;
    const end = this.end;
    let at = start;
    if (b[at] === MINUS) at++;
    if (at >= end) return -1;
    if (b[at] === ZERO) at++;
    else if (b[at] > ZERO && b[at] <= NINE) at = digitsEnd(b, at, end);
    else return -1;
    let plain = true;
    if (at < end && b[at] === DOT) {
      const digits = digitsEnd(b, at + 1, end);
      if (digits === at + 1) return -1;
      at = digits;
      plain = false;
    }
    if (at < end && (b[at] === 0x65 || b[at] === 0x45)) {
      at++;
      if (at < end && (b[at] === PLUS || b[at] === MINUS)) at++;
      const digits = digitsEnd(b, at, end);
      if (digits === at) return -1;
      at = digits;
      plain = false;
    }
    value.kind = NUMBER;
    value.start = start;
    value.end = at;
    value.plain = plain;
    return at;
  }

  private literal(at: number, bytes: Uint8Array, kind: number, value: ValueSpan): number {
    if (!startsWith(this.body, at, this.end, bytes)) return -1;
    value.kind = kind;
    return at + bytes.length;
  }

  /** The closing quote of a string without escapes or control characters, or -1. */
  private stringEnd(at: number): number {
    const b = this.body;
    for (let i = at; i < this.end; i++) {
      const c = b[i];
      if (c === QUOTE) return i;
      if (c === BACKSLASH || c < 0x20) return -1;
    }
    return -1;
  }

  private skipSpace(at: number): number {
    const b = this.body;
    while (at < this.end) {
      const c = b[at];
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
      at++;
    }
    return at;
  }
}

const LABEL_KEY = Uint8Array.from(Buffer.from('label'));
const TIMESTAMP_KEY = Uint8Array.from(Buffer.from('timestamp'));
const TRUE_BYTES = Uint8Array.from(Buffer.from('true'));
const FALSE_BYTES = Uint8Array.from(Buffer.from('false'));

function digitsEnd(b: Uint8Array, at: number, end: number): number {
  while (at < end && b[at] >= ZERO && b[at] <= NINE) at++;
  return at;
}

function isAscii(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] >= 0x80) return false;
  return true;
}
