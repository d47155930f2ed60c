// A JSON checker over bytes (JSON plus the bare NaN, Infinity and -Infinity tokens Python's
// json.dumps writes) that enforces resource limits while it reads: nesting depth, keys per
// object, values per event and elements of a top-level array. It builds nothing, so a body
// that would cost hundreds of megabytes to parse is refused after reading only as far as the
// limit it breaks. It can stop after a byte budget and resume, so a large body is checked in
// slices between which the event loop serves others. Iterative: depth cannot overflow a stack.
// Bytes ≥ 0x80 only occur inside strings in valid JSON and are passed over: the caller checks
// UTF-8 validity separately.
import { JsonSyntaxError } from './json-error.js';

export interface JsonLimits {
  /** Containers open at once, the outermost included. */
  maxDepth: number;
  /** Keys in any one object. */
  maxKeys: number;
  /** Values (scalars and containers) in one event: the whole value, or one element of a top-level array whose elements are collected. */
  maxValues: number;
  /** Elements of a top-level array. */
  maxElements: number;
}

export const NO_LIMITS: JsonLimits = { maxDepth: Infinity, maxKeys: Infinity, maxValues: Infinity, maxElements: Infinity };

export type JsonLimitKind = 'depth' | 'keys' | 'values' | 'elements';

/** A limit broken at `offset` (bytes from the start of the buffer). */
export class JsonLimitError extends Error {
  constructor(
    readonly limit: JsonLimitKind,
    readonly max: number,
    readonly offset: number,
  ) {
    super(`JSON ${limit} limit of ${max} exceeded at byte ${offset}`);
    this.name = 'JsonLimitError';
  }
}

/** Kinds of the non-finite tokens, as NON_FINITE_TOKENS orders them. */
const NAN = 0;
const INFINITY = 1;
const MINUS_INFINITY = 2;

const IN_ARRAY = 0;
const IN_OBJECT = 1;

/** A string the byte budget cut in the middle: a value, or a property name. */
const NO_STRING = 0;
const VALUE_STRING = 1;
const NAME_STRING = 2;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const LITERALS: readonly Uint8Array[] = ['true', 'false', 'null'].map((l) => Buffer.from(l, 'latin1'));
const NAN_BYTES = Buffer.from('NaN', 'latin1');
const INFINITY_BYTES = Buffer.from('Infinity', 'latin1');
const MINUS_INFINITY_BYTES = Buffer.from('-Infinity', 'latin1');

/**
 * Checks bytes[start, end) as one JSON value. Call advance() until it returns true; it throws
 * JsonSyntaxError (offset in bytes) or JsonLimitError at the first problem.
 */
export class JsonScanner {
  /** Start offsets and kinds of the bare non-finite tokens, in pairs (offset, kind). */
  readonly tokens: number[] = [];
  /** For a top-level array when asked: each element's [start, end) byte offsets, in pairs. */
  readonly elements: number[] = [];
  /** The value is an array (known once the first byte of the value was read). */
  topLevelArray = false;

  private i: number;
  private expectValue = true;
  private pendingString = NO_STRING;
  /** Where the current advance() stops (a string pauses there too, so a 10 MB string is sliced). */
  private stopAt = Infinity;
  private started = false;
  private readonly stack: number[] = [];
  private readonly keyCounts: number[] = [];
  private values = 0;
  private elementCount = 0;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly limits: JsonLimits = NO_LIMITS,
    private readonly collectElements = false,
  ) {
    this.i = start;
  }

  /** Scans about `budget` more bytes (a string or number is read whole). True when the value is complete. */
  advance(budget = Infinity): boolean {
    const stopAt = this.i + budget;
    this.stopAt = stopAt;
    const { bytes, end, stack } = this;
    while (this.i < stopAt) {
      if (this.pendingString !== NO_STRING) {
        this.resumeString();
        continue;
      }
      if (this.expectValue) {
        this.scanValue();
        continue;
      }
      // After a value: close containers, or find the separator before the next value.
      let i = skipWhitespace(bytes, this.i, end);
      if (stack.length === 0) {
        if (i < end) throw new JsonSyntaxError('unexpected character after the end of the JSON value', i);
        this.i = i;
        return true;
      }
      const inObject = stack[stack.length - 1] === IN_OBJECT;
      if (i >= end) throw new JsonSyntaxError('unexpected end of input', end);
      const c = bytes[i];
      if (c === COMMA) {
        if (inObject) {
          this.scanPropertyName(skipWhitespace(bytes, i + 1, end));
        } else {
          this.i = i + 1;
          this.expectValue = true;
        }
      } else if (c === (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
        stack.pop();
        this.keyCounts.pop();
        this.i = i + 1;
        this.valueEnded();
      } else {
        throw new JsonSyntaxError(
          inObject ? "expected ',' or '}' after a property value" : "expected ',' or ']' after an array element",
          i,
        );
      }
    }
    return false;
  }

  /** A value starts at this.i (after whitespace). */
  private scanValue(): void {
    const { bytes, end, stack } = this;
    let i = skipWhitespace(bytes, this.i, end);
    if (i >= end) throw new JsonSyntaxError('unexpected end of input', end);
    if (stack.length === 1 && this.topLevelArray) this.elementStarted(i);
    if (++this.values > this.limits.maxValues) throw new JsonLimitError('values', this.limits.maxValues, i);
    const c = bytes[i];
    if (!this.started) {
      this.started = true;
      this.topLevelArray = c === OPEN_BRACKET;
    }
    this.expectValue = false;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      const next = skipWhitespace(bytes, i + 1, end);
      if (bytes[next] === close && next < end) {
        this.i = next + 1; // an empty container is a whole value
        this.valueEnded();
        return;
      }
      if (stack.length + 1 > this.limits.maxDepth) throw new JsonLimitError('depth', this.limits.maxDepth, i);
      stack.push(c === OPEN_BRACE ? IN_OBJECT : IN_ARRAY);
      this.keyCounts.push(0);
      if (c === OPEN_BRACE) {
        this.scanPropertyName(next);
      } else {
        this.i = next;
        this.expectValue = true;
      }
      return;
    }
    if (c === QUOTE) {
      i = scanStringBody(bytes, i + 1, end, this.stopAt);
      if (i < 0) {
        this.pause(i, VALUE_STRING);
        return;
      }
    } else if (c === MINUS && startsWith(bytes, i, end, MINUS_INFINITY_BYTES)) i = this.token(i, MINUS_INFINITY, 9);
    else if (c === MINUS || (c >= ZERO && c <= NINE)) i = scanNumber(bytes, i, end);
    else if (c === 0x4e /* N */ && startsWith(bytes, i, end, NAN_BYTES)) i = this.token(i, NAN, 3);
    else if (c === 0x49 /* I */ && startsWith(bytes, i, end, INFINITY_BYTES)) i = this.token(i, INFINITY, 8);
    else i = scanLiteral(bytes, i, end);
    this.i = i;
    this.valueEnded();
  }

  private token(i: number, kind: number, length: number): number {
    this.tokens.push(i, kind);
    return i + length;
  }

  private elementStarted(i: number): void {
    if (++this.elementCount > this.limits.maxElements) throw new JsonLimitError('elements', this.limits.maxElements, i);
    if (!this.collectElements) return;
    // The elements are the events: values are counted per element.
    this.values = 0;
    this.elements.push(i, -1);
  }

  /** A value just ended at this.i; if it was an element of the top-level array, note its end. */
  private valueEnded(): void {
    if (this.collectElements && this.stack.length === 1 && this.topLevelArray) this.elements[this.elements.length - 1] = this.i;
  }

  /** A property name starting at i, then whitespace and the colon; counts the key; a value is expected next. */
  private scanPropertyName(i: number): void {
    const { bytes, end } = this;
    if (i >= end || bytes[i] !== QUOTE) {
      throw new JsonSyntaxError(i >= end ? 'unexpected end of input' : 'expected a double-quoted property name', i);
    }
    const top = this.keyCounts.length - 1;
    if (++this.keyCounts[top] > this.limits.maxKeys) throw new JsonLimitError('keys', this.limits.maxKeys, i);
    const after = scanStringBody(bytes, i + 1, end, this.stopAt);
    if (after < 0) this.pause(after, NAME_STRING);
    else this.afterPropertyName(after);
  }

  private afterPropertyName(i: number): void {
    const { bytes, end } = this;
    i = skipWhitespace(bytes, i, end);
    if (i >= end || bytes[i] !== COLON) {
      throw new JsonSyntaxError(i >= end ? 'unexpected end of input' : "expected ':' after a property name", i);
    }
    this.i = i + 1;
    this.expectValue = true;
  }

  /** A string stopped by the budget (scanStringBody's negative answer): resume there next time. */
  private pause(stopped: number, kind: number): void {
    this.i = -stopped - 1;
    this.pendingString = kind;
    this.expectValue = false;
  }

  private resumeString(): void {
    const after = scanStringBody(this.bytes, this.i, this.end, this.stopAt);
    if (after < 0) {
      this.i = -after - 1;
      return;
    }
    const kind = this.pendingString;
    this.pendingString = NO_STRING;
    if (kind === NAME_STRING) {
      this.afterPropertyName(after);
    } else {
      this.i = after;
      this.valueEnded();
    }
  }
}

function skipWhitespace(bytes: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i];
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
  return i;
}

function startsWith(bytes: Uint8Array, i: number, end: number, word: Uint8Array): boolean {
  if (i + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word[k]) return false;
  return true;
}

/**
 * A string's content from i (just after the opening quote, or where it paused): the index after
 * its closing quote, or −(k + 1) when it reached stopAt at k first (never inside an escape).
 */
function scanStringBody(bytes: Uint8Array, i: number, end: number, stopAt: number): number {
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
function scanNumber(bytes: Uint8Array, i: number, end: number): number {
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

function scanLiteral(bytes: Uint8Array, i: number, end: number): number {
  for (const literal of LITERALS) if (startsWith(bytes, i, end, literal)) return i + literal.length;
  throw new JsonSyntaxError('expected a value', i);
}
