import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBody, type ParsedBody } from '../support/parse-body.js';
import { JsonSyntaxError, parseJsonTolerant } from '../../src/ingest/tolerant-json.js';
import { firstInvalidUtf8Byte } from '../../src/ingest/utf8.js';

const REASONS = ['invalid_json', 'batch_too_large', 'empty_body', 'invalid_encoding'];
const MAX = 10_000;

/** String pieces that stress the scanner: tokens, quotes, escapes, separators, odd whitespace. */
const trickyUnit = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '"', '\\', '\\"', '\n', '\r', '\u2028', '\u0000', '{', '[', ',', ':', '__proto__'),
  fc.string({ unit: 'grapheme', maxLength: 1 }),
);
const jsonValue = fc.jsonValue({ maxDepth: 4, stringUnit: trickyUnit });
const event = fc.dictionary(fc.string({ unit: trickyUnit, maxLength: 6 }), jsonValue, { maxKeys: 6 });
const events = fc.array(event, { maxLength: 12 });

function ok(result: ParsedBody): Extract<ParsedBody, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}: ${result.message}`);
  return result;
}

/** What the events are after a JSON round trip (e.g. -0 becomes 0). */
function viaJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function isBlankLine(line: string): boolean {
  return /^[ \t\r]*$/.test(line);
}

describe('parseBody properties', () => {
  it('round-trips any batch of events through a JSON array and through NDJSON', () => {
    const separator = fc.constantFrom('\n', '\r\n', '\n\n', '\n \t\r\n');
    fc.assert(
      fc.property(events, separator, fc.boolean(), fc.integer({ min: 0, max: 3 }), (batch, sep, trailing, indent) => {
        const expected = viaJson(batch);
        const asJson = parseBody(Buffer.from(JSON.stringify(batch, null, indent)), 'json', MAX);
        // An empty array is refused like an empty body: nothing would be accepted.
        if (batch.length === 0) {
          expect(asJson).toMatchObject({ ok: false, reason: 'empty_body' });
          return;
        }
        expect(ok(asJson).events).toEqual(expected);
        const text = batch.map((e) => JSON.stringify(e)).join(sep) + (trailing ? sep : '');
        const asLines = ok(parseBody(Buffer.from(text), 'ndjson', MAX));
        expect(asLines.events).toEqual(expected);
        expect(asLines.indexes).toBeNull();
        expect(asLines.errors).toEqual([]);
        const single = ok(parseBody(Buffer.from(JSON.stringify(batch[0])), 'json', MAX));
        expect(single.events).toEqual([viaJson(batch[0])]);
      }),
      { seed: 20260501, numRuns: 300 },
    );
  });

  it('never throws on any byte string: it answers ok or a known reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('json', 'ndjson' as const), (bytes, format) => {
        const result = parseBody(Buffer.from(bytes), format, 5);
        if (!result.ok) expect(REASONS).toContain(result.reason);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('never throws on near-JSON text (valid JSON with random edits)', () => {
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...'{}[],:"\\ \n0-1.eEaNI'.split(''), 'NaN', 'Infinity'));
    fc.assert(
      fc.property(fc.array(jsonValue, { maxLength: 4 }), fc.array(edit, { minLength: 1, maxLength: 4 }), (batch, edits) => {
        let text = batch.map((e) => JSON.stringify(e)).join('\n');
        for (const [at, deleteCount, insert] of edits) {
          const i = text.length === 0 ? 0 : at % text.length;
          text = text.slice(0, i) + insert + text.slice(i + deleteCount);
        }
        for (const format of ['json', 'ndjson'] as const) {
          const result = parseBody(Buffer.from(text), format, 3);
          if (!result.ok) expect(REASONS).toContain(result.reason);
        }
      }),
      { seed: 11, numRuns: 1000 },
    );
  });

  it('loses no valid line when garbage lines are mixed into an NDJSON body', () => {
    const garbage = fc
      .string({ unit: trickyUnit, minLength: 1, maxLength: 12 })
      .map((s) => s.replace(/\n/g, ''))
      .filter((s) => !isBlankLine(s) && !parses(s));
    const lines = fc.array(fc.oneof(event.map((e) => ({ valid: true as const, event: e })), garbage.map((text) => ({ valid: false as const, text }))), {
      minLength: 1,
      maxLength: 15,
    });
    fc.assert(
      fc.property(lines, (mixed) => {
        const text = mixed.map((line) => (line.valid ? JSON.stringify(line.event) : line.text)).join('\n');
        const result = ok(parseBody(Buffer.from(text), 'ndjson', MAX));
        const goodIndexes = mixed.flatMap((line, i) => (line.valid ? [i] : []));
        const badIndexes = mixed.flatMap((line, i) => (line.valid ? [] : [i]));
        expect(result.events).toEqual(mixed.flatMap((line) => (line.valid ? [viaJson(line.event)] : [])));
        expect(result.events.map((_, i) => (result.indexes ? result.indexes[i] : i))).toEqual(goodIndexes);
        expect(result.errors.map((e) => e.index)).toEqual(badIndexes);
      }),
      { seed: 99, numRuns: 300 },
    );
  });
});

class Token {
  constructor(readonly name: string) {}
}

/** JSON text of a tree, with `ws` around separators and each Token written by `token`. */
function write(value: unknown, ws: string, token: (t: Token) => string): string {
  if (value instanceof Token) return token(value);
  if (Array.isArray(value)) return `[${ws}${value.map((v) => write(v, ws, token)).join(`${ws},${ws}`)}${ws}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${ws}:${ws}${write(v, ws, token)}`);
    return `{${ws}${members.join(`${ws},${ws}`)}${ws}}`;
  }
  return JSON.stringify(value);
}

function parses(text: string): boolean {
  try {
    parseJsonTolerant(text);
    return true;
  } catch {
    return false;
  }
}

describe('parseJsonTolerant properties', () => {
  it('agrees with JSON.parse on every valid JSON text', () => {
    fc.assert(
      fc.property(jsonValue, fc.integer({ min: 0, max: 2 }), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseJsonTolerant(text)).toEqual(JSON.parse(text));
      }),
      { seed: 3, numRuns: 1000 },
    );
  });

  it('reads Python-style JSON with bare NaN/Infinity/-Infinity wherever a value may stand', () => {
    // A tree whose leaves may be non-finite tokens; written twice: as Python would (bare
    // tokens) and with the marker strings in their place, which JSON.parse reads as expected.
    const token = fc.constantFrom('NaN', 'Infinity', '-Infinity').map((name) => new Token(name));
    const leaf = fc.oneof(token, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ unit: trickyUnit, maxLength: 5 }), fc.boolean(), fc.constant(null));
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', maxDepth: 4 },
        leaf,
        fc.array(tie('tree'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: trickyUnit, maxLength: 5 }), tie('tree'), { maxKeys: 4 }),
      ),
    }));
    const space = fc.constantFrom('', ' ', '\n  ', '\t');
    fc.assert(
      fc.property(tree, space, (value, ws) => {
        const python = write(value, ws, (t) => t.name);
        const marked = write(value, ws, (t) => JSON.stringify(`\u0000${t.name}`));
        expect(parseJsonTolerant(python)).toEqual(JSON.parse(marked));
      }),
      { seed: 17, numRuns: 1000 },
    );
  });

  it('rejects exactly what JSON.parse rejects when no non-finite token is involved, and says where', () => {
    // No N or I: the text cannot hold NaN/Infinity, so the grammars must agree exactly.
    const plainValue = fc.jsonValue({ maxDepth: 3, stringUnit: fc.constantFrom('a', '"', '\\', ' ', '\u0001', 'é') });
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.constantFrom(...'{}[],:"\\ \t\n0123-+.eEtrufalsn/bu'.split(''), '\\u00', '\u0001'));
    fc.assert(
      fc.property(plainValue, fc.array(edit, { maxLength: 3 }), (value, edits) => {
        let text = JSON.stringify(value);
        for (const [at, deleteCount, insert] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + deleteCount);
        }
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          let thrown: unknown;
          try {
            parseJsonTolerant(text);
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(JsonSyntaxError);
          expect((thrown as JsonSyntaxError).position).not.toBeNull();
          return;
        }
        expect(parseJsonTolerant(text)).toEqual(expected);
      }),
      { seed: 5, numRuns: 3000 },
    );
  });
});

describe('firstInvalidUtf8Byte properties', () => {
  it('agrees with the fatal TextDecoder, and everything before the offset is valid', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const decodes = (bytes: Uint8Array): boolean => {
      try {
        decoder.decode(bytes);
        return true;
      } catch {
        return false;
      }
    };
    // Mostly valid text with a few random bytes spliced in, so both outcomes are common.
    const bytes = fc
      .tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.uint8Array({ maxLength: 4 }), fc.nat())
      .map(([text, noise, at]) => {
        const valid = Buffer.from(text);
        const i = valid.length === 0 ? 0 : at % valid.length;
        return Buffer.concat([valid.subarray(0, i), noise, valid.subarray(i)]);
      });
    fc.assert(
      fc.property(bytes, (input) => {
        const offset = firstInvalidUtf8Byte(input);
        expect(offset === -1).toBe(decodes(input));
        if (offset >= 0) expect(decodes(input.subarray(0, offset))).toBe(true);
      }),
      { seed: 13, numRuns: 1500 },
    );
  });
});
