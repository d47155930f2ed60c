import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, CsvSyntaxError } from '../../src/reference/csv.js';
import { csvText, splitBytes } from './helpers.js';

interface ParsedRow {
  fields: string[];
  line: number;
  problem: string | null;
}

function parse(chunks: (string | Buffer)[], maxRowChars?: number): ParsedRow[] {
  const rows: ParsedRow[] = [];
  const parser = new CsvParser((fields, line, problem) => rows.push({ fields, line, problem }), maxRowChars);
  for (const chunk of chunks) parser.write(chunk);
  parser.end();
  return rows;
}

const fieldsOf = (text: string): string[][] => parse([text]).map((r) => r.fields);

describe('CsvParser', () => {
  it('parses plain rows, with or without a final newline', () => {
    expect(fieldsOf('a,b,c\n1,2,3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(fieldsOf('a,b,c\n1,2,3')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
  });

  it('handles quoted fields: commas, doubled quotes, line breaks inside', () => {
    const text = 'name,note\n"Lyon, FR","say ""hi"""\n"two\nlines","crlf\r\ninside"\n';
    expect(fieldsOf(text)).toEqual([
      ['name', 'note'],
      ['Lyon, FR', 'say "hi"'],
      ['two\nlines', 'crlf\r\ninside'],
    ]);
  });

  it('accepts CRLF and lone CR row endings', () => {
    expect(fieldsOf('a,b\r\n1,2\r\n3,4')).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
    expect(fieldsOf('a,b\r1,2\r')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('keeps empty fields, including a quoted empty field and a trailing comma', () => {
    expect(fieldsOf('a,,b\n,\n""\nx,\n')).toEqual([['a', '', 'b'], ['', ''], [''], ['x', '']]);
  });

  it('skips blank lines and numbers rows by the line they start on', () => {
    const rows = parse(['h1,h2\n\n"multi\nline",1\r\n\r\nlast,2\n']);
    expect(rows.map((r) => [r.line, r.fields])).toEqual([
      [1, ['h1', 'h2']],
      [3, ['multi\nline', '1']],
      [6, ['last', '2']],
    ]);
  });

  it('strips a UTF-8 byte order mark at the start of the file', () => {
    expect(fieldsOf('\uFEFFa,b\n1,2\n')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('reports an unterminated quote with the line it opened on', () => {
    let caught: unknown;
    try {
      parse(['a,b\n1,2\n3,"never\nclosed\n']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CsvSyntaxError);
    expect((caught as CsvSyntaxError).line).toBe(3);
    expect((caught as CsvSyntaxError).message).toMatch(/unterminated quoted field starting on line 3/);
  });

  it('passes on a row with a stray quote as a problem and resynchronises at the next row', () => {
    const rows = parse(['a,b\nab"c,1\n"x"y,2\nok,3\n']);
    expect(rows[1]).toMatchObject({ line: 2, fields: ['ab"c', '1'] });
    expect(rows[1].problem).toMatch(/quote inside unquoted field 1/);
    expect(rows[2]).toMatchObject({ line: 3, fields: ['xy', '2'] });
    expect(rows[2].problem).toMatch(/after the closing quote of field 1/);
    expect(rows[3]).toEqual({ line: 4, fields: ['ok', '3'], problem: null });
  });

  it('refuses a row longer than the limit (an unbalanced quote must not swallow memory)', () => {
    expect(() => parse(['a\n"', 'x'.repeat(100)], 50)).toThrow(/row starting on line 2 is longer than 50 characters/);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('k\n"é😀,"\n');
    const chunks = [bytes.subarray(0, 4), bytes.subarray(4, 7), bytes.subarray(7)];
    expect(parse(chunks).map((r) => r.fields)).toEqual([['k'], ['é😀,']]);
  });

  // Strings rich in the characters CSV must quote, plus multi-byte ones.
  const cell = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.array(fc.constantFrom(',', '"', '\r', '\n', '\r\n', 'a', ' ', 'é', '😀', '\uFEFF'), { maxLength: 8 }).map((parts) => parts.join('')),
  );
  const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 });

  it('property: a table written with proper quoting parses back identically, however the bytes are chunked', () => {
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.array(fc.nat(), { maxLength: 20 }), (rows, lineEnd, finalNewline, cuts) => {
        let text = csvText(rows, lineEnd);
        if (!finalNewline) text = text.slice(0, -lineEnd.length);
        const chunks = splitBytes(Buffer.from(text, 'utf8'), cuts);
        const parsed = parse(chunks);
        expect(parsed.map((r) => r.fields)).toEqual(rows);
        expect(parsed.every((r) => r.problem === null)).toBe(true);
      }),
      { numRuns: 500, seed: 20261123 },
    );
  });
});
