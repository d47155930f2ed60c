// The label line read from its bytes (label-line.ts, LabelReader.readLine) against the parse
// path it stands in for (parseJsonTolerant, LabelReader.read, IdHash.of): whenever the fast path
// reads a line, the parse path accepts the same line with the same class or value, time and id
// hashes, bit for bit; whatever it does not read falls back to that path. Lines come from a
// printer that writes numbers, strings and whitespace the way JSON allows and JSON.stringify
// never does (-0, 1.0, 1e3, escapes, non-ASCII, duplicate and unknown keys, other types).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../src/config/types.js';
import { parseJsonTolerant } from '../../../src/ingest/tolerant-json.js';
import { IdHash } from '../../../src/monitor/labels/id-hash.js';
import { LabelReader, type ReadLabel } from '../../../src/monitor/labels/label-item.js';
import { LabelLine } from '../../../src/monitor/labels/label-line.js';

const models = {
  binary: { task: 'binary_classification', classes: ['no', 'yes'] },
  multiclass: { task: 'multiclass_classification', classes: ['cat', 'dog', 'çà', 'constructor'] },
  regression: { task: 'regression', classes: [] },
} as const;
const readerOf = (kind: keyof typeof models) => new LabelReader(models[kind] as unknown as ModelConfig);

interface Both {
  fast: boolean;
  slowValid: boolean;
  fastRead: ReadLabel;
  slowRead: ReadLabel;
  fastHash: [number, number];
  slowHash: [number, number];
}

function both(reader: LabelReader, text: string): Both {
  const body = Buffer.from(text, 'utf8');
  const line = new LabelLine();
  const fastRead: ReadLabel = { labelClass: -9, labelValue: -9, timeMs: -9 };
  const fastHash = new IdHash();
  const fast = line.read(body, 0, body.length) && reader.readLine(line, body, fastHash, fastRead);
  const slowRead: ReadLabel = { labelClass: -9, labelValue: -9, timeMs: -9 };
  const slowHash = new IdHash();
  let slowValid = false;
  try {
    const item = parseJsonTolerant(body.toString('utf8'));
    slowValid = reader.read(item, slowRead) === null && slowHash.of((item as { id: unknown }).id);
  } catch {
    slowValid = false;
  }
  return { fast, slowValid, fastRead, slowRead, fastHash: [fastHash.h1, fastHash.h2], slowHash: [slowHash.h1, slowHash.h2] };
}

function expectSame(r: Both): void {
  if (!r.fast) return;
  expect(r.slowValid).toBe(true);
  expect(Object.is(r.fastRead.labelClass, r.slowRead.labelClass)).toBe(true);
  expect(Object.is(r.fastRead.labelValue, r.slowRead.labelValue)).toBe(true);
  expect(Object.is(r.fastRead.timeMs, r.slowRead.timeMs)).toBe(true);
  expect(r.fastHash).toEqual(r.slowHash);
}

// --- a printer of JSON values, with the spellings JSON.stringify never uses ---
const space = fc.constantFrom('', '', '', ' ', '  ', '\t', '\r', ' \t ');
const numberText = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String).filter((s) => !s.includes('Infinity')),
  fc.constantFrom('0', '1', '-0', '1.0', '0.5', '1e3', '1E-2', '-1.5e+2', '1e999', '-1e999', '1700000000', '1700000000.123', '01', '1.', '.5', '-', '+1', 'NaN', 'Infinity'),
);
const stringText = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"cat"', '"yes"', '"no"', '"çà"', '"constructor"', '"c\\u0061t"', '"ye\\"s"', '""', '"2026-12-03T08:00:00Z"', '"2026-12-03"', '"not a date"', '"a\tb"', '"unterminated'),
);
const valueText = fc.oneof(
  { weight: 3, arbitrary: stringText },
  { weight: 3, arbitrary: numberText },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', '[]', '{}', '{"a":1}', '[1]', 'tru', 'nul') },
);
const keyText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('"id"', '"label"', '"timestamp"') },
  { weight: 1, arbitrary: fc.constantFrom('"extra"', '"Id"', '"i\\u0064"', '"__proto__"', '""') },
);
const member = (key: string, value: fc.Arbitrary<string>) => fc.tuple(space, space, space, value, space).map(([a, b, c, v, d]) => `${a}"${key}"${b}:${c}${v}${d}`);
const idText = fc.oneof(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).map((s) => JSON.stringify(s)), fc.integer({ min: -1e9, max: 1e9 }).map(String), valueText);
const labelText = fc.oneof(fc.constantFrom('"cat"', '"dog"', '"çà"', '"yes"', '"no"', '0', '1', 'true', 'false'), numberText, valueText);
const timestampText = fc.oneof(fc.integer({ min: 0, max: 2e9 }).map(String), fc.date({ noInvalidDate: true }).map((d) => JSON.stringify(d.toISOString())), valueText);
/** Lines of the usual shape (the three keys in any order, the timestamp optional), values mostly valid. */
const usualLine = fc
  .tuple(member('id', idText), member('label', labelText), fc.option(member('timestamp', timestampText)), fc.boolean(), space)
  .map(([id, label, timestamp, swap, after]) => {
    const members = swap ? [label, id] : [id, label];
    if (timestamp !== null) members.splice(1, 0, timestamp);
    return `{${members.join(',')}}${after}`;
  });
const noiseLine = fc
  .tuple(fc.array(fc.tuple(space, keyText, space, space, valueText, space), { maxLength: 5 }), space, space, fc.constantFrom('', '', '', ',', 'x', ']'))
  .map(([members, before, after, junk]) => `${before}{${members.map(([a, k, b, c, v, d]) => `${a}${k}${b}:${c}${v}${d}`).join(',')}${junk}}${after}`);
const lineText = fc.oneof(usualLine, noiseLine);

describe('a label line read from its bytes', () => {
  it('reads the usual lines (JSON.stringify of an id, a label and a timestamp)', () => {
    const cases: [keyof typeof models, unknown][] = [
      ['binary', { id: 'req-1', label: 'yes' }],
      ['binary', { id: 42, label: 1 }],
      ['binary', { label: false, id: 'a' }],
      ['binary', { id: 'b', label: 'no', timestamp: 1_700_000_000 }],
      ['binary', { id: 'c', label: 'no', timestamp: '2026-12-03T08:00:00.000Z' }],
      ['multiclass', { id: 'x', label: 'çà' }],
      ['multiclass', { id: -7, label: 'constructor' }],
      ['regression', { id: 'r', label: -3.25e-4 }],
      ['regression', { id: 'r', label: 12 }],
    ];
    for (const [kind, item] of cases) {
      const r = both(readerOf(kind), JSON.stringify(item));
      expect(r.fast, JSON.stringify(item)).toBe(true);
      expectSame(r);
    }
    // Spaces between tokens, and a CR before the line feed.
    expect(both(readerOf('binary'), ' { "id" : "a" , "label" : "yes" } \r').fast).toBe(true);
  });

  it('leaves every unusual or wrong line to the parse path', () => {
    const reader = readerOf('binary');
    for (const text of [
      '{"id":"a","label":"maybe"}', // not a class: the parse path says so
      '{"id":"","label":"yes"}',
      '{"id":"a"}',
      '{"id":"a","label":"yes","extra":1}',
      '{"id":"a","id":"b","label":"yes"}', // JSON.parse keeps the last: not read here
      '{"id":"\\u0061","label":"yes"}',
      '{"id":"é","label":"yes"}',
      '{"id":1.5,"label":"yes"}',
      '{"id":-0,"label":"yes"}',
      '{"id":1234567890123456,"label":"yes"}',
      '{"id":"a","label":2}',
      '{"id":"a","label":1.0}',
      '{"id":"a","label":"yes","timestamp":"never"}',
      '{"id":"a","label":"yes","timestamp":null}',
      '{"id":"a","label":"yes"} x',
      '{"id":"a","label":"yes"',
      '[{"id":"a","label":"yes"}]',
    ]) {
      expect(both(reader, text).fast, text).toBe(false);
    }
    expect(both(readerOf('regression'), '{"id":"a","label":1e999}').fast).toBe(false);
    expect(both(readerOf('regression'), '{"id":"a","label":"1"}').fast).toBe(false);
  });

  for (const kind of Object.keys(models) as (keyof typeof models)[]) {
    it(`agrees with the parse path on every line it reads (${kind}, property)`, () => {
      const reader = readerOf(kind);
      let read = 0;
      fc.assert(
        fc.property(lineText, (text) => {
          const r = both(reader, text);
          if (r.fast) read++;
          expectSame(r);
        }),
        { numRuns: 4000, seed: 20261203 },
      );
      // The generator is not all noise: a share of its lines takes the fast path.
      expect(read).toBeGreaterThan(100);
    });
  }
});
