// A JSON checker over bytes (JSON plus the bare NaN, Infinity and -Infinity tokens Python's
// json.dumps writes) that enforces resource limits while it reads: nesting depth, keys per
// object, values per event and elements of a top-level array. It builds nothing, so a body
// that would cost hundreds of megabytes to parse is refused after reading only as far as the
// limit it breaks. It can stop after a byte budget and resume, so a large body is checked in
// slices between which the event loop serves others. Iterative: depth cannot overflow a stack.
// Bytes ≥ 0x80 only occur inside strings in valid JSON and are passed over: the caller checks
// UTF-8 validity separately.
import { JsonSyntaxError } from './json-error.js';
import {
  QUOTE,
  COMMA,
  MINUS,
  ZERO,
  NINE,
  COLON,
  OPEN_BRACKET,
  CLOSE_BRACKET,
  OPEN_BRACE,
  CLOSE_BRACE,
  MINUS_INFINITY_BYTES,
  NAN_BYTES,
  INFINITY_BYTES,
  scanLiteral,
  scanNumber,
  scanStringBody,
  skipWhitespace,
  startsWith,
} from './json-tokens.js';

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
