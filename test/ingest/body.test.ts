import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseBody, type ParsedBody } from '../support/parse-body.js';
import { NON_FINITE_MARKERS } from '../../src/ingest/tolerant-json.js';

const MAX = 1000;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function ok(result: ParsedBody): Extract<ParsedBody, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}: ${result.message}`);
  return result;
}

function json(text: string, max = MAX): ParsedBody {
  return parseBody(Buffer.from(text), 'json', max);
}

function ndjson(text: string, max = MAX): ParsedBody {
  return parseBody(Buffer.from(text), 'ndjson', max);
}

/** The request index of each returned event. */
function requestIndexes(result: Extract<ParsedBody, { ok: true }>): number[] {
  return result.events.map((_, i) => (result.indexes ? result.indexes[i] : i));
}

describe('JSON bodies', () => {
  it('takes a single object as one event', () => {
    const result = ok(json('{"features":{"a":1},"prediction":0.5}'));
    expect(result.events).toEqual([{ features: { a: 1 }, prediction: 0.5 }]);
    expect(result.indexes).toBeNull();
    expect(result.errors).toEqual([]);
  });

  it('takes an array as the events, non-objects included (the envelope check is downstream)', () => {
    const result = ok(json('[{"features":{"a":1}}, 7, null, {"features":{}}]'));
    expect(result.events).toEqual([{ features: { a: 1 } }, 7, null, { features: {} }]);
    expect(result.indexes).toBeNull();
  });

  it('refuses an empty array as empty_body (400 when nothing is accepted, as the README says)', () => {
    expect(json('[]')).toEqual({ ok: false, reason: 'empty_body', message: 'the array holds no events; send at least one event' });
    expect(json(' [ \n ] ')).toMatchObject({ ok: false, reason: 'empty_body' });
  });

  it('reports a syntax error with its position, line and column, and never quotes the body', () => {
    const result = json('{\n  "features": {"email": "alice@example.com" "x": 1}\n}');
    expect(result).toMatchObject({ ok: false, reason: 'invalid_json' });
    if (result.ok) return;
    expect(result.message).toBe(
      "invalid JSON: expected ',' or '}' after a property value at position 46 (line 2, column 45)",
    );
    expect(result.message).not.toContain('alice');
  });

  it('does not quote the body even where V8 would (unexpected token)', () => {
    const result = json('{"ssn": "123-45-6789", "features": xyz}');
    expect(result).toEqual({
      ok: false,
      reason: 'invalid_json',
      message: 'invalid JSON: expected a value at position 35 (line 1, column 36)',
    });
  });
});

describe('NDJSON bodies', () => {
  it('splits LF and CRLF lines and skips blank, whitespace-only and trailing lines', () => {
    const body = '\r\n{"a":1}\r\n\r\n  \t \n{"a":2}\n{"a":3}\r\n\n';
    const result = ok(ndjson(body));
    expect(result.events).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(result.indexes).toBeNull();
    expect(result.errors).toEqual([]);
  });

  it('takes a last line without a newline', () => {
    expect(ok(ndjson('{"a":1}\n{"a":2}')).events).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('returns every good line of a mixed batch and reports each bad one by its index', () => {
    const lines = [
      '{"id":"a"}', // index 0
      '{"id":"b", "secret": "hunter2" oops}', // index 1, bad
      '', // blank: no index
      '{"id":"c"}', // index 2
      'not json at all', // index 3, bad
      '{"id":"d"', // index 4, bad (cut short)
      '{"id":"e"}', // index 5
    ];
    const result = ok(ndjson(lines.join('\n')));
    expect(result.events).toEqual([{ id: 'a' }, { id: 'c' }, { id: 'e' }]);
    expect(result.indexes).toEqual([0, 2, 5]);
    expect(result.errors).toEqual([
      {
        index: 1,
        message: "invalid JSON on line 2 of the body: expected ',' or '}' after a property value at position 31 of the line",
      },
      { index: 3, message: 'invalid JSON on line 5 of the body: expected a value at position 0 of the line' },
      { index: 4, message: 'invalid JSON on line 6 of the body: unexpected end of input at position 9 of the line' },
    ]);
    expect(JSON.stringify(result.errors)).not.toContain('hunter2');
  });

  it('keeps indexes null until the first bad line, then maps every later event', () => {
    const result = ok(ndjson('{"a":1}\n{"a":2}\n{\n{"a":3}'));
    expect(requestIndexes(result)).toEqual([0, 1, 3]);
    expect(result.errors.map((e) => e.index)).toEqual([2]);
  });

  it('takes one JSON value per line: an array line is one event, not a batch', () => {
    expect(ok(ndjson('[{"a":1},{"a":2}]\n{"a":3}')).events).toEqual([[{ a: 1 }, { a: 2 }], { a: 3 }]);
  });
});

describe('encoding', () => {
  it('skips a UTF-8 byte order mark', () => {
    expect(ok(parseBody(Buffer.concat([BOM, Buffer.from('{"a":"é"}')]), 'json', MAX)).events).toEqual([{ a: 'é' }]);
    expect(ok(parseBody(Buffer.concat([BOM, Buffer.from('{"a":1}\n{"a":2}\n')]), 'ndjson', MAX)).events).toEqual([
      { a: 1 },
      { a: 2 },
    ]);
  });

  it.each([
    ['a lone continuation byte', [0x7b, 0x80, 0x7d], 1],
    ['an invalid byte', [0x5b, 0x31, 0xff, 0x5d], 2],
    ['an overlong encoding', [0x22, 0xc0, 0xaf, 0x22], 1],
    ['an encoded surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22], 1],
    ['a sequence cut off at the end', [0x22, 0x61, 0xe2, 0x82], 2],
  ])('rejects %s as invalid_encoding with the offset', (_name, bytes, offset) => {
    for (const format of ['json', 'ndjson'] as const) {
      expect(parseBody(Buffer.from(bytes), format, MAX)).toEqual({
        ok: false,
        reason: 'invalid_encoding',
        message: `body is not valid UTF-8 (first bad byte at offset ${offset}); send the JSON encoded as UTF-8`,
      });
    }
  });
});

describe('empty bodies', () => {
  it.each([
    ['no bytes', Buffer.alloc(0)],
    ['whitespace', Buffer.from(' \r\n\t\n')],
    ['a byte order mark only', BOM],
    ['blank lines only', Buffer.from('\n\r\n   \n')],
  ])('answers empty_body for %s', (_name, body) => {
    expect(parseBody(body, 'json', MAX)).toMatchObject({ ok: false, reason: 'empty_body' });
    expect(parseBody(body, 'ndjson', MAX)).toMatchObject({ ok: false, reason: 'empty_body' });
  });
});

describe('batch size', () => {
  const events = (n: number): string[] => Array.from({ length: n }, (_, i) => JSON.stringify({ id: String(i) }));

  it('accepts exactly maxEvents and rejects maxEvents + 1 (JSON array)', () => {
    expect(ok(json(`[${events(5).join(',')}]`, 5)).events).toHaveLength(5);
    expect(json(`[${events(6).join(',')}]`, 5)).toEqual({
      ok: false,
      reason: 'batch_too_large',
      message: 'batch of 6 events is more than the limit of 5 (ingest.max_batch_events); split it into smaller requests',
    });
  });

  it('accepts exactly maxEvents and rejects maxEvents + 1 (NDJSON; blank lines do not count, bad lines do)', () => {
    expect(ok(ndjson(`\n${events(5).join('\n\n')}\n\n`, 5)).events).toHaveLength(5);
    expect(ok(ndjson(`${events(4).join('\n')}\n{bad`, 5)).errors).toHaveLength(1);
    expect(ndjson(events(6).join('\r\n'), 5)).toMatchObject({ ok: false, reason: 'batch_too_large' });
    expect(ndjson(`${events(5).join('\n')}\n{bad`, 5)).toMatchObject({ ok: false, reason: 'batch_too_large' });
  });

  it('counts a single object as one event', () => {
    expect(ok(json('{"a":1}', 1)).events).toHaveLength(1);
    expect(json('{"a":1}', 0)).toMatchObject({ ok: false, reason: 'batch_too_large' });
  });
});

describe('deep nesting', () => {
  const depth = 100_000;
  afterEach(() => vi.restoreAllMocks());

  it('gives a clean result for 100k nested arrays, never a crash', () => {
    const nested = '['.repeat(depth) + ']'.repeat(depth);
    for (const format of ['json', 'ndjson'] as const) {
      const result = parseBody(Buffer.from(nested), format, MAX);
      if (!result.ok) expect(result.reason).toBe('invalid_json');
    }
  });

  it('locates a syntax error at the bottom of 100k nested arrays (the checker is iterative)', () => {
    expect(json('['.repeat(depth))).toEqual({
      ok: false,
      reason: 'invalid_json',
      message: `invalid JSON: unexpected end of input at position ${depth} (line 1, column ${depth + 1})`,
    });
  });

  it('takes a Python NaN at the bottom of 100k nested arrays', () => {
    const result = json('['.repeat(depth) + 'NaN' + ']'.repeat(depth));
    if (!result.ok) expect(result.reason).toBe('invalid_json');
  });

  it('answers "nesting too deep or malformed" when JSON.parse throws something other than a SyntaxError', () => {
    vi.spyOn(JSON, 'parse').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    expect(json('[[[]]]')).toEqual({ ok: false, reason: 'invalid_json', message: 'nesting too deep or malformed' });
    const lines = ok(ndjson('[[[]]]\n{"a":1}'));
    expect(lines.events).toEqual([]);
    expect(lines.errors).toEqual([
      { index: 0, message: 'line 1 of the body: nesting too deep or malformed' },
      { index: 1, message: 'line 2 of the body: nesting too deep or malformed' },
    ]);
  });
});

describe('__proto__ keys', () => {
  const body = '{"features":{"__proto__":{"x":1}}}';

  it.each(['json', 'ndjson'] as const)('stay own data properties and never set a prototype (%s)', (format) => {
    const event = ok(parseBody(Buffer.from(body), format, MAX)).events[0] as { features: Record<string, unknown> };
    const features = event.features;
    expect(Object.getPrototypeOf(features)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(features, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(features, '__proto__')?.value).toEqual({ x: 1 });
    expect((features as { x?: unknown }).x).toBeUndefined();
    expect(({} as { x?: unknown }).x).toBeUndefined();
  });

  it('stay own data properties on the tolerant path too', () => {
    const event = ok(json('{"features":{"__proto__":{"x":NaN}}}')).events[0] as { features: object };
    expect(Object.getPrototypeOf(event.features)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(event.features, '__proto__')?.value).toEqual({ x: '\u0000NaN' });
  });
});

describe('Python non-finite numbers', () => {
  const marker = (n: number): string => [...NON_FINITE_MARKERS].find(([, v]) => Object.is(v, n))![0];

  it('become markers in objects and arrays, but not inside strings', () => {
    const body = '{"features":{"a":NaN,"b":Infinity,"c":-Infinity,"d":"NaN","e":"x \\" NaN, Infinity"},"prediction":[NaN, -Infinity]}';
    expect(ok(json(body)).events).toEqual([
      {
        features: { a: marker(Number.NaN), b: marker(Infinity), c: marker(-Infinity), d: 'NaN', e: 'x " NaN, Infinity' },
        prediction: [marker(Number.NaN), marker(-Infinity)],
      },
    ]);
  });

  it('become markers per NDJSON line; the other lines pay nothing', () => {
    const result = ok(ndjson('{"a":1}\n{"a":NaN}\n{"a":"Infinity"}'));
    expect(result.events).toEqual([{ a: 1 }, { a: marker(Number.NaN) }, { a: 'Infinity' }]);
    expect(result.errors).toEqual([]);
  });

  it('are still errors when not whole values', () => {
    expect(json('{"a":NaNx}')).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(json('{"a":-Inf}')).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(json('{"a":nan}')).toMatchObject({ ok: false, reason: 'invalid_json' });
  });
});
