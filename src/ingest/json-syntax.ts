// A JSON syntax checker that also accepts the bare NaN, Infinity and -Infinity tokens
// Python's json.dumps writes. It runs only after JSON.parse has failed, for two reasons:
// to find those tokens (outside strings, as whole values) so they can be rewritten, and to
// say where the text is wrong without echoing it (V8's messages quote the input, which may
// be personal data, and differ between Node versions). Iterative, so depth cannot overflow.

/** A syntax error whose message names the problem and a position, never the content. */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    readonly problem: string,
    /** UTF-16 offset into the text, as JSON.parse counts; null if unknown. */
    readonly position: number | null,
  ) {
    super(position === null ? problem : `${problem} at position ${position}`);
    this.name = 'SyntaxError';
  }
}

/** The non-finite tokens, in the order their kind numbers refer to. */
export const NON_FINITE_TOKENS = ['NaN', 'Infinity', '-Infinity'] as const;
const NAN = 0;
const INFINITY = 1;
const MINUS_INFINITY = 2;

const IN_ARRAY = 0;
const IN_OBJECT = 1;

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

/**
 * Checks `text` against JSON plus the three non-finite tokens. Returns the start offsets
 * of those tokens with their kind (pairs: offset, kind), or throws JsonSyntaxError at the
 * first position where the text cannot be JSON.
 */
export function findNonFiniteTokens(text: string): number[] {
  const tokens: number[] = [];
  const stack: number[] = [];
  const end = text.length;
  let i = 0;
  for (;;) {
    // A value starts at i (after whitespace).
    i = skipWhitespace(text, i);
    if (i >= end) throw new JsonSyntaxError('unexpected end of input', end);
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      i = skipWhitespace(text, i + 1);
      if (text.charCodeAt(i) === 0x7d /* } */) {
        i++; // an empty object is a whole value
      } else {
        stack.push(IN_OBJECT);
        i = scanPropertyName(text, i);
        continue;
      }
    } else if (c === 0x5b /* [ */) {
      i = skipWhitespace(text, i + 1);
      if (text.charCodeAt(i) === 0x5d /* ] */) {
        i++; // an empty array is a whole value
      } else {
        stack.push(IN_ARRAY);
        continue;
      }
    } else if (c === QUOTE) {
      i = scanString(text, i);
    } else if (c === MINUS && text.startsWith('-Infinity', i)) {
      tokens.push(i, MINUS_INFINITY);
      i += 9;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      i = scanNumber(text, i);
    } else if (c === 0x4e /* N */ && text.startsWith('NaN', i)) {
      tokens.push(i, NAN);
      i += 3;
    } else if (c === 0x49 /* I */ && text.startsWith('Infinity', i)) {
      tokens.push(i, INFINITY);
      i += 8;
    } else {
      i = scanLiteral(text, i);
    }
    // After a value: close containers, or find the separator before the next value.
    for (;;) {
      i = skipWhitespace(text, i);
      if (stack.length === 0) {
        if (i < end) throw new JsonSyntaxError('unexpected character after the end of the JSON value', i);
        return tokens;
      }
      const inObject = stack[stack.length - 1] === IN_OBJECT;
      if (i >= end) throw new JsonSyntaxError('unexpected end of input', end);
      const d = text.charCodeAt(i);
      if (d === COMMA) {
        i = inObject ? scanPropertyName(text, skipWhitespace(text, i + 1)) : i + 1;
        break;
      }
      if (d === (inObject ? 0x7d : 0x5d)) {
        stack.pop();
        i++;
        continue;
      }
      throw new JsonSyntaxError(
        inObject ? "expected ',' or '}' after a property value" : "expected ',' or ']' after an array element",
        i,
      );
    }
  }
}

/** A property name, whitespace and the colon; returns where the value starts. */
function scanPropertyName(text: string, i: number): number {
  if (text.charCodeAt(i) !== QUOTE) {
    throw new JsonSyntaxError(i >= text.length ? 'unexpected end of input' : 'expected a double-quoted property name', i);
  }
  i = skipWhitespace(text, scanString(text, i));
  if (text.charCodeAt(i) !== COLON) {
    throw new JsonSyntaxError(i >= text.length ? 'unexpected end of input' : "expected ':' after a property name", i);
  }
  return i + 1;
}

function skipWhitespace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
}

/** The string starting with the quote at i; returns the index after its closing quote. */
function scanString(text: string, i: number): number {
  const end = text.length;
  for (i++; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c < SPACE) throw new JsonSyntaxError('control character in a string (escape it)', i);
    if (c !== BACKSLASH) continue;
    const e = text.charCodeAt(i + 1);
    if (e === 0x75 /* u */) {
      for (let k = i + 2; k < i + 6; k++) {
        if (!isHexDigit(text.charCodeAt(k))) throw new JsonSyntaxError('invalid \\u escape in a string', i);
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
function scanNumber(text: string, i: number): number {
  const start = i;
  if (text.charCodeAt(i) === MINUS) i++;
  if (text.charCodeAt(i) === ZERO) i++;
  else if (isDigit(text.charCodeAt(i))) i = skipDigits(text, i);
  else throw new JsonSyntaxError('invalid number', start);
  if (text.charCodeAt(i) === DOT) {
    if (!isDigit(text.charCodeAt(i + 1))) throw new JsonSyntaxError('invalid number (no digit after the decimal point)', start);
    i = skipDigits(text, i + 1);
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45 /* e E */) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === PLUS || sign === MINUS) i++;
    if (!isDigit(text.charCodeAt(i))) throw new JsonSyntaxError('invalid number (no digit in the exponent)', start);
    i = skipDigits(text, i);
  }
  return i;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function skipDigits(text: string, i: number): number {
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

function scanLiteral(text: string, i: number): number {
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, i)) return i + literal.length;
  }
  throw new JsonSyntaxError('expected a value', i);
}
