// The byte scanner is the one JSON grammar of ingest: it must accept exactly what JSON.parse
// accepts (plus the bare NaN/Infinity tokens), give the same answer however its work is
// sliced, find each top-level element's bytes exactly, and stop at each limit exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError } from '../../src/ingest/json-error.js';
import { JsonLimitError, JsonScanner, NO_LIMITS, type JsonLimits } from '../../src/ingest/json-scan.js';

function scan(text: string | Buffer, limits: JsonLimits = NO_LIMITS, budget = Infinity, elements = false): JsonScanner {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const scanner = new JsonScanner(bytes, 0, bytes.length, limits, elements);
  let rounds = 0;
  while (!scanner.advance(budget)) if (++rounds > bytes.length + 10) throw new Error('no progress');
  return scanner;
}

function outcome(text: string, budget = Infinity): string {
  try {
    scan(text, NO_LIMITS, budget);
    return 'ok';
  } catch (error) {
    if (error instanceof JsonSyntaxError) return `syntax@${error.position}`;
    throw error;
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Valid JSON with one random edit: an insertion, a deletion or a replacement of a structural character. */
const nearJson = fc
  .tuple(fc.json({ maxDepth: 4 }), fc.nat(), fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', '-', '.', 'e', '0', ' ', '\u0001', 'tru', 'é'), fc.boolean())
  .map(([text, at, piece, replace]) => {
    const k = at % (text.length + 1);
    return text.slice(0, k) + piece + text.slice(replace ? k + 1 : k);
  })
  .filter((text) => !/NaN|Infinity/.test(text));

describe('JsonScanner', () => {
  it('accepts exactly what JSON.parse accepts (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 5 }), nearJson), (text) => {
        expect(outcome(text) === 'ok').toBe(parses(text));
      }),
      { seed: 12, numRuns: 3000 },
    );
  });

  it('gives the same outcome whatever the byte budget of each slice (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 5 }), nearJson, fc.string().map((s) => JSON.stringify(s))), fc.integer({ min: 1, max: 40 }), (text, budget) => {
        expect(outcome(text, budget)).toBe(outcome(text));
      }),
      { seed: 13, numRuns: 3000 },
    );
  });

  it('finds the bytes of every element of a top-level array (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 })), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 64 }), (values, indent, budget) => {
        const text = JSON.stringify(values, null, indent);
        const bytes = Buffer.from(text);
        const scanner = scan(bytes, NO_LIMITS, budget, true);
        expect(scanner.topLevelArray).toBe(true);
        const found: unknown[] = [];
        for (let k = 0; k < scanner.elements.length; k += 2) found.push(JSON.parse(bytes.toString('utf8', scanner.elements[k], scanner.elements[k + 1])));
        expect(found).toEqual(JSON.parse(text));
      }),
      { seed: 14, numRuns: 1000 },
    );
  });

  it('reports the bare non-finite tokens outside strings', () => {
    const scanner = scan('[NaN, "NaN", {"a": -Infinity}, Infinity]');
    expect(scanner.tokens).toEqual([1, 0, 19, 2, 31, 1]);
  });

  const limits = (change: Partial<JsonLimits>): JsonLimits => ({ ...NO_LIMITS, ...change });
  const limitOf = (text: string, l: JsonLimits): string | null => {
    try {
      scan(text, l, 7, true);
      return null;
    } catch (error) {
      if (error instanceof JsonLimitError) return `${error.limit}@${error.offset}`;
      throw error;
    }
  };

  it('stops at each limit exactly, at the byte that breaks it', () => {
    expect(limitOf('[[[1]]]', limits({ maxDepth: 3 }))).toBeNull();
    expect(limitOf('[[[[1]]]]', limits({ maxDepth: 3 }))).toBe('depth@3');
    // An empty container holds nothing: it does not deepen.
    expect(limitOf('[[[[]]]]', limits({ maxDepth: 3 }))).toBeNull();
    expect(limitOf('{"a":1,"b":2}', limits({ maxKeys: 2 }))).toBeNull();
    expect(limitOf('{"a":{"x":1,"y":2},"b":2,"c":3}', limits({ maxKeys: 2 }))).toBe('keys@25');
    expect(limitOf('[1,2,3]', limits({ maxElements: 3 }))).toBeNull();
    expect(limitOf('[1,2,3,4]', limits({ maxElements: 3 }))).toBe('elements@7');
    // Values count per element of a top-level array whose elements are the events.
    expect(limitOf('[[1,2],[3,4]]', limits({ maxValues: 3 }))).toBeNull();
    expect(limitOf('[[1,2,3],[4]]', limits({ maxValues: 3 }))).toBe('values@6');
    expect(limitOf('{"a":[1,2,3]}', limits({ maxValues: 5 }))).toBeNull();
    expect(limitOf('{"a":[1,2,3,4]}', limits({ maxValues: 5 }))).toBe('values@12');
  });

  it('slices a long string (value or key) instead of reading it at once', () => {
    const long = JSON.stringify({ ['k'.repeat(5000)]: 'v'.repeat(5000) });
    const scanner = new JsonScanner(Buffer.from(long), 0, long.length);
    let rounds = 1;
    while (!scanner.advance(1000)) rounds++;
    expect(rounds).toBeGreaterThanOrEqual(10);
  });
});
