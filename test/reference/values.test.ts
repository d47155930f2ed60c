import { describe, expect, it } from 'vitest';
import { INVALID, MISSING, booleanDecoder, categoryDecoder, numberDecoder, parseNumberText } from '../../src/reference/values.js';

describe('value decoding', () => {
  it('parses decimal number text strictly', () => {
    const accepted: [string, number][] = [
      ['0', 0],
      ['-12.5', -12.5],
      ['+3', 3],
      ['1.', 1],
      ['.5', 0.5],
      ['6.02e23', 6.02e23],
      ['1E-3', 0.001],
    ];
    for (const [text, value] of accepted) expect(parseNumberText(text)).toBe(value);
    for (const text of ['', ' 1', '1 ', '0x10', '0b1', '1_000', 'NaN', 'Infinity', '-Infinity', '1e999', '1e', 'e5', '.', '--1', '1,5', 'abc']) {
      expect(parseNumberText(text), text).toBeNaN();
    }
  });

  it('CSV: empty is missing, bad text is invalid', () => {
    const decode = numberDecoder('csv');
    expect(decode(undefined)).toBe(MISSING);
    expect(decode('2.5')).toBe(2.5);
    expect(decode('NaN')).toBe(INVALID);
  });

  it('JSON Lines: null or absent is missing; only finite JSON numbers are numbers', () => {
    const decode = numberDecoder('jsonl');
    expect(decode(null)).toBe(MISSING);
    expect(decode(undefined)).toBe(MISSING);
    expect(decode(3)).toBe(3);
    for (const bad of ['3', true, Number.NaN, Number.POSITIVE_INFINITY, {}, []]) expect(decode(bad)).toBe(INVALID);
  });

  it('categories: CSV text as is; JSON strings only; a closed set makes the rest invalid', () => {
    expect(categoryDecoder('csv')('Lyon, FR')).toBe('Lyon, FR');
    expect(categoryDecoder('csv')(undefined)).toBe(MISSING);
    expect(categoryDecoder('jsonl')(7)).toBe(INVALID);
    expect(categoryDecoder('jsonl')('')).toBe('');
    const classes = categoryDecoder('jsonl', { allowed: new Set(['cat', 'dog']) });
    expect(classes('dog')).toBe('dog');
    expect(classes('cow')).toBe(INVALID);
  });

  it('booleans: CSV true/false in any case; JSON booleans only', () => {
    const csv = booleanDecoder('csv');
    expect([csv('TRUE'), csv('False'), csv('yes'), csv('1'), csv(undefined)]).toEqual(['true', 'false', INVALID, INVALID, MISSING]);
    const json = booleanDecoder('jsonl');
    expect([json(true), json(false), json('true'), json(1), json(null)]).toEqual(['true', 'false', INVALID, INVALID, MISSING]);
  });
});
