import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, NON_FINITE_MARKERS, parseJsonTolerant } from '../../src/ingest/tolerant-json.js';
import { firstInvalidUtf8Byte } from '../../src/ingest/utf8.js';

const NAN = '\u0000NaN';
const INF = '\u0000Infinity';
const NEG_INF = '\u0000-Infinity';

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJsonTolerant(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be invalid`);
}

describe('NON_FINITE_MARKERS', () => {
  it('maps each marker to the number it stands for', () => {
    expect([...NON_FINITE_MARKERS]).toEqual([
      [NAN, Number.NaN],
      [INF, Infinity],
      [NEG_INF, -Infinity],
    ]);
  });
});

describe('parseJsonTolerant', () => {
  it('parses plain JSON as JSON.parse does', () => {
    expect(parseJsonTolerant('{"a":[1,2.5e3,"x",true,null]}')).toEqual({ a: [1, 2500, 'x', true, null] });
  });

  it.each([
    ['NaN', NAN],
    [' -Infinity ', NEG_INF],
    ['[NaN,Infinity,-Infinity]', [NAN, INF, NEG_INF]],
    ['[ NaN , 1 ,\n-Infinity\t]', [NAN, 1, NEG_INF]],
    ['{"a":NaN,"b":{"c":[Infinity]}}', { a: NAN, b: { c: [INF] } }],
    ['{"a" : -Infinity }', { a: NEG_INF }],
    ['{"s":"NaN","t":NaN}', { s: 'NaN', t: NAN }],
    ['{"s":"a\\"NaN","t":NaN}', { s: 'a"NaN', t: NAN }],
    ['{"s":"\\\\","t":Infinity}', { s: '\\', t: INF }],
    ['{"s":"\\u0022 Infinity \\\\\\" -Infinity","t":[NaN]}', { s: '" Infinity \\" -Infinity', t: [NAN] }],
  ])('rewrites bare tokens outside strings: %s', (text, expected) => {
    expect(parseJsonTolerant(text)).toEqual(expected);
  });

  it.each([
    ['{"a":NaNx}', "expected ',' or '}' after a property value at position 8"],
    ['[Infinity1]', "expected ',' or ']' after an array element at position 9"],
    ['[-Inf]', 'invalid number at position 1'],
    ['[nan]', 'expected a value at position 1'],
    ['{NaN:1}', 'expected a double-quoted property name at position 1'],
    ['[1NaN]', "expected ',' or ']' after an array element at position 2"],
    ['"NaN', 'unterminated string at position 4'],
    ['NaN NaN', 'unexpected character after the end of the JSON value at position 4'],
    ['{"a":NaN,}', 'expected a double-quoted property name at position 9'],
    ['[NaN,]', 'expected a value at position 5'],
    ['{"a" NaN}', "expected ':' after a property name at position 5"],
    ['[NaN, 01]', "expected ',' or ']' after an array element at position 7"],
    ['[NaN, 1.]', 'invalid number (no digit after the decimal point) at position 6'],
    ['[NaN, 1e+]', 'invalid number (no digit in the exponent) at position 6'],
    ['[NaN, "\\x"]', 'invalid escape in a string at position 7'],
    ['[NaN, "\\u12G4"]', 'invalid \\u escape in a string at position 7'],
    ['[NaN, "a\nb"]', 'control character in a string (escape it) at position 8'],
    ['[NaN', 'unexpected end of input at position 4'],
    ['{"a":NaN', 'unexpected end of input at position 8'],
    ['{"a"', 'unexpected end of input at position 4'],
    ['{', 'unexpected end of input at position 1'],
    ['', 'unexpected end of input at position 0'],
    ['tru', 'expected a value at position 0'],
  ])('still rejects %j: %s', (text, message) => {
    const error = syntaxError(text);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.message).toBe(message);
  });
});

describe('firstInvalidUtf8Byte', () => {
  it('finds nothing wrong in valid UTF-8, including 4-byte sequences', () => {
    expect(firstInvalidUtf8Byte(Buffer.from('a é € 𝄞 \u{10FFFF}'))).toBe(-1);
  });

  it.each([
    ['a bad lead byte', [0x61, 0xf5, 0x80, 0x80, 0x80], 1],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['an overlong 4-byte form', [0xf0, 0x80, 0x80, 0x80], 0],
    ['an overlong 3-byte form', [0xe0, 0x80, 0x80], 0],
    ['a bad third byte', [0x61, 0x62, 0xe2, 0x82, 0x41], 2],
  ])('finds %s', (_name, bytes, offset) => {
    expect(firstInvalidUtf8Byte(Uint8Array.from(bytes))).toBe(offset);
  });
});
