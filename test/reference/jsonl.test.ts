import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonlParser } from '../../src/reference/jsonl.js';
import { splitBytes } from './helpers.js';

interface ParsedLine {
  row: Record<string, unknown> | null;
  line: number;
  problem: string | null;
}

function parse(chunks: (string | Buffer)[], maxLineChars?: number): ParsedLine[] {
  const lines: ParsedLine[] = [];
  const parser = new JsonlParser((row, line, problem) => lines.push({ row, line, problem }), maxLineChars);
  for (const chunk of chunks) parser.write(chunk);
  parser.end();
  return lines;
}

describe('JsonlParser', () => {
  it('parses one object per line, skips blank lines, accepts CRLF and a missing final newline', () => {
    const lines = parse(['{"a":1}\r\n\n   \n{"a":null,"b":"x"}\n{"c":true}']);
    expect(lines).toEqual([
      { row: { a: 1 }, line: 1, problem: null },
      { row: { a: null, b: 'x' }, line: 4, problem: null },
      { row: { c: true }, line: 5, problem: null },
    ]);
  });

  it('reports malformed lines and lines that are not objects by line number, and goes on', () => {
    const lines = parse(['{"a":1}\n{"a":\n[1,2]\n"text"\nnull\n{"a":2}\n']);
    expect(lines.map((l) => [l.line, l.problem])).toEqual([
      [1, null],
      [2, 'not valid JSON'],
      [3, 'expected a JSON object, found an array'],
      [4, 'expected a JSON object, found a string'],
      [5, 'expected a JSON object, found null'],
      [6, null],
    ]);
  });

  it('never echoes the content of a malformed line (it may be personal data)', () => {
    const [line] = parse(['{"ssn": "123-45-6789", oops}\n']);
    expect(line.problem).not.toContain('123');
  });

  it("reads Python's bare NaN and Infinity as non-finite numbers, leaving strings alone", () => {
    const [line] = parse(['{"x": NaN, "y": -Infinity, "z": Infinity, "s": "NaN, Infinity", "t": "a\\"NaN"}\n']);
    expect(line.problem).toBeNull();
    expect(line.row).toEqual({ x: Number.NaN, y: Number.NEGATIVE_INFINITY, z: Number.POSITIVE_INFINITY, s: 'NaN, Infinity', t: 'a"NaN' });
  });

  it('strips a byte order mark and refuses an overlong line', () => {
    expect(parse(['\uFEFF{"a":1}\n'])[0].row).toEqual({ a: 1 });
    expect(() => parse(['{"a":1}\n{"b":"', 'x'.repeat(60), '"}\n'], 50)).toThrow(/line 2 is longer than 50 characters/);
  });

  const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const rows = fc.array(fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), value, { maxKeys: 4 }), { minLength: 1, maxLength: 10 });

  it('property: rows written one per line parse back identically, however the bytes are chunked', () => {
    fc.assert(
      fc.property(rows, fc.array(fc.nat(), { maxLength: 20 }), fc.boolean(), (objects, cuts, crlf) => {
        const text = objects.map((o) => JSON.stringify(o) + (crlf ? '\r\n' : '\n')).join('');
        const parsed = parse(splitBytes(Buffer.from(text, 'utf8'), cuts));
        // JSON has no -0: it reads back as 0.
        expect(parsed.map((p) => p.row)).toEqual(objects.map((o) => JSON.parse(JSON.stringify(o)) as unknown));
        expect(parsed.map((p) => p.line)).toEqual(objects.map((_, i) => i + 1));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
