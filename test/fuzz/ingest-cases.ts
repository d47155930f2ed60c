// Seeded requests for fuzzing the ingest listener over raw sockets: what a broken client, a
// proxy gone wrong or an attacker might send. Each case says what must come back: an answer
// with one of the allowed statuses (and, where the case knows it, the exact number of events
// accepted), or — only where documented — the connection closing without an answer.
import { gzipSync } from 'node:zlib';
import { seededRandom } from '../support/synthetic-reference.js';

export interface FuzzCase {
  kind: string;
  pieces: Buffer[];
  /** Statuses an answer may have. */
  statuses: readonly number[];
  /** Exact events accepted, when the case knows it (mixed batches, valid events, garbage: 0). */
  accepted?: number;
  /** The connection may close without an answer (documented: the client cut its own request short). */
  mayClose?: boolean;
  /** Half-close our side after writing (a client that gives up sending). */
  endAfter?: boolean;
  /** Responses to read: pipelined requests get one each. */
  responses?: number;
  /** Do not reuse the connection after this case (its framing is broken on purpose). */
  fresh?: boolean;
}

const PATH = '/v1/models/shop/predictions';
const REFUSED = [400, 404, 405, 408, 413, 415, 431, 501, 503] as const;

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function request(path: string, body: Buffer | string, headers: Record<string, string>, method = 'POST'): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length' || h.toLowerCase() === 'transfer-encoding')) {
    lines.push(`content-length: ${payload.length}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

const JSON_TYPE = { 'content-type': 'application/json' };
const NDJSON_TYPE = { 'content-type': 'application/x-ndjson' };

/** A valid event; its feature values may be odd (quality signals, never rejections). */
function validEvent(random: Random): string {
  const odd = random();
  const price = odd < 0.05 ? '1e999' : odd < 0.1 ? '-1e999' : odd < 0.15 ? 'NaN' : odd < 0.2 ? '"12.5"' : (random() * 400).toFixed(2);
  const extra =
    odd < 0.3
      ? pick(random, [
          ',"__proto__":{"polluted":true}',
          ',"constructor":{"prototype":{"x":1}}',
          ',"toString":1',
          ',"hasOwnProperty":"x"',
          `,"note":"${'n'.repeat(int(random, 1, 20_000))}"`,
          ',"big":123456789012345678901234567890e300',
          ',"esc":"\\ud800\\u0000\\n"',
        ])
      : '';
  const version = random() < 0.05 ? `,"model_version":"${pick(random, ['\\ud800', '\\u0000x', 'v'.repeat(300), '2.0'])}"` : '';
  return `{"features":{"price":${price},"age":${int(random, 18, 80)},"country":"${pick(random, ['US', 'DE', 'FR', 'JP', 'XX'])}","returning":${random() < 0.3}${extra}},"prediction":{"score":${random().toFixed(3)}},"latency_ms":${pick(random, ['3', '0', '1e999', '12.5'])}${version}}`;
}

/** A line that is not a valid event: broken JSON, a bad envelope, or a value that is not an object. */
function badLine(random: Random): string {
  return pick(random, [
    '{not json',
    '{"features":',
    '[1,',
    '"just a string"',
    '42',
    'null',
    '{"features":[]}',
    '{"features":"price=3"}',
    '{"prediction":0.5}',
    '{"features":{},"latency_ms":-5}',
    '{"features":{},"model_version":7}',
    '{"features":{},"id":{}}',
    `${'['.repeat(int(random, 10, 3000))}`,
    `{"features":{"a":${'['.repeat(int(random, 100, 2000))}${']'.repeat(int(random, 0, 50))}}}`,
    'NaN',
    '1e999999',
    '{"features":{}}}',
    '{"features":{} "x":1}',
    '\u0000',
  ]);
}

function garbage(random: Random, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

type Maker = (random: Random) => FuzzCase;

const MAKERS: [number, string, Maker][] = [
  [12, 'valid single event', (r) => ({ kind: 'valid single event', pieces: [request(PATH, validEvent(r), JSON_TYPE)], statuses: [200], accepted: 1 })],
  [
    14,
    'mixed NDJSON batch',
    (r) => {
      const lines: string[] = [];
      let valid = 0;
      for (let n = int(r, 1, 60); n > 0; n--) {
        if (r() < 0.6) {
          lines.push(validEvent(r));
          valid++;
        } else lines.push(r() < 0.15 ? pick(r, ['', '   ', '\t\r']) : badLine(r));
      }
      const body = lines.join(r() < 0.5 ? '\n' : '\r\n') + (r() < 0.5 ? '\n' : '');
      return { kind: 'mixed NDJSON batch', pieces: [request(PATH, body, NDJSON_TYPE)], statuses: valid > 0 ? [200] : [400], accepted: valid };
    },
  ],
  [
    8,
    'mixed JSON array',
    (r) => {
      const items: string[] = [];
      let valid = 0;
      for (let n = int(r, 1, 60); n > 0; n--) {
        if (r() < 0.6) {
          items.push(validEvent(r));
          valid++;
        } else items.push(pick(r, ['1', '"x"', 'null', '[]', '{}', '{"features":[]}', '{"features":{},"latency_ms":"3"}']));
      }
      return { kind: 'mixed JSON array', pieces: [request(PATH, `[${items.join(',')}]`, JSON_TYPE)], statuses: valid > 0 ? [200] : [400], accepted: valid };
    },
  ],
  [
    6,
    'truncated body',
    (r) => {
      const ndjson = r() < 0.5;
      const events = Array.from({ length: int(r, 1, 20) }, () => validEvent(r));
      const text = ndjson ? events.join('\n') : `[${events.join(',')}]`;
      const cut = int(r, 0, text.length - 1);
      const body = text.slice(0, cut);
      // Complete NDJSON lines before the cut are whole valid events; a cut line never parses.
      let accepted = 0;
      if (ndjson) {
        let end = 0;
        for (const e of events) {
          end += e.length;
          if (end <= cut) accepted++;
          end += 1;
        }
      }
      return { kind: 'truncated body', pieces: [request(PATH, body, ndjson ? NDJSON_TYPE : JSON_TYPE)], statuses: accepted > 0 ? [200] : [400], accepted };
    },
  ],
  [
    4,
    'body shorter than its Content-Length',
    (r) => {
      const body = validEvent(r);
      return {
        kind: 'body shorter than its Content-Length',
        pieces: [request(PATH, body, { ...JSON_TYPE, 'content-length': String(body.length + int(r, 1, 1000)) })],
        endAfter: true,
        mayClose: true,
        statuses: REFUSED,
        accepted: 0,
        fresh: true,
      };
    },
  ],
  [
    4,
    'body longer than its Content-Length',
    (r) => {
      const body = validEvent(r);
      const declared = int(r, 0, body.length - 1);
      // The rest of the bytes are read as a second request: garbage, answered 400 and closed.
      return { kind: 'body longer than its Content-Length', pieces: [request(PATH, body, { ...JSON_TYPE, 'content-length': String(declared) })], statuses: [400], accepted: 0, fresh: true };
    },
  ],
  [
    6,
    'chunked body',
    (r) => {
      const body = Buffer.from(validEvent(r));
      const chunks: Buffer[] = [];
      for (let at = 0; at < body.length; ) {
        const size = Math.min(body.length - at, int(r, 1, 300));
        chunks.push(Buffer.from(`${size.toString(16)}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'));
        at += size;
      }
      const head = Buffer.from(`POST ${PATH} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`);
      return { kind: 'chunked body', pieces: [head, ...chunks, Buffer.from('0\r\n\r\n')], statuses: [200], accepted: 1 };
    },
  ],
  [
    6,
    'chunked abuse',
    (r) => {
      const head = `POST ${PATH} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n`;
      const abuse = pick(r, [
        `${head}\r\nzz\r\n{}\r\n0\r\n\r\n`,
        `${head}\r\nffffffffffffffffff\r\n{}\r\n`,
        `${head}\r\n2\r\n{}0\r\n\r\n`,
        `${head}\r\n-1\r\n{}\r\n0\r\n\r\n`,
        `${head}content-length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
        `${head}\r\n2;${'x'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`,
        `POST ${PATH} HTTP/1.1\r\nhost: x\r\ntransfer-encoding: gzip, chunked, identity\r\n\r\n0\r\n\r\n`,
        `POST ${PATH} HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`,
      ]);
      return { kind: 'chunked abuse', pieces: [Buffer.from(abuse, 'latin1')], statuses: REFUSED, accepted: 0, fresh: true, mayClose: true };
    },
  ],
  [
    6,
    'malformed request line',
    (r) => {
      const line = pick(r, [
        'GARBAGE',
        `P@ST ${PATH} HTTP/1.1`,
        `POST ${PATH} HTTP/9.9`,
        `POST ${PATH}`,
        `POST  ${PATH}  HTTP/1.1`,
        `POST http://[::1 HTTP/1.1`,
        `POST /${'a'.repeat(int(r, 100, 20_000))} HTTP/1.1`,
        `\u0000\u0001\u0002 / HTTP/1.1`,
      ]);
      return { kind: 'malformed request line', pieces: [Buffer.from(`${line}\r\nhost: x\r\ncontent-length: 0\r\n\r\n`, 'latin1')], statuses: REFUSED, accepted: 0, fresh: true };
    },
  ],
  [
    5,
    'malformed headers',
    (r) => {
      const header = pick(r, [
        'no colon here',
        'bad header name: x',
        'x-ok: va\u0000lue',
        `x-big: ${'b'.repeat(int(r, 17_000, 40_000))}`,
        Array.from({ length: 3000 }, (_, i) => `x-h${i}: v`).join('\r\n'),
        ' leading-space: x',
        'content-length: abc',
        'content-length: -1',
      ]);
      return { kind: 'malformed headers', pieces: [Buffer.from(`POST ${PATH} HTTP/1.1\r\nhost: x\r\n${header}\r\n\r\n`, 'latin1')], statuses: REFUSED, accepted: 0, fresh: true };
    },
  ],
  [
    5,
    'random body',
    (r) => ({
      kind: 'random body',
      pieces: [request(PATH, garbage(r, int(r, 0, 3000)), r() < 0.5 ? JSON_TYPE : NDJSON_TYPE)],
      statuses: REFUSED,
      accepted: 0,
    }),
  ],
  [
    3,
    'invalid UTF-8',
    (r) => {
      const valid = validEvent(r);
      const bad = Buffer.concat([Buffer.from(valid.slice(0, 20)), Buffer.from(pick(r, [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]])), Buffer.from(valid.slice(20))]);
      return { kind: 'invalid UTF-8', pieces: [request(PATH, bad, r() < 0.5 ? JSON_TYPE : NDJSON_TYPE)], statuses: [400], accepted: 0 };
    },
  ],
  [
    3,
    'deep nesting',
    (r) => {
      const depth = int(r, 100, 200_000);
      const body = r() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : `{"features":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
      return { kind: 'deep nesting', pieces: [request(PATH, body, JSON_TYPE)], statuses: [400, 200], accepted: undefined };
    },
  ],
  [
    3,
    'huge numbers and strings',
    (r) => {
      const body = pick(r, [
        `{"features":{"price":${'9'.repeat(int(r, 400, 100_000))}},"prediction":0.5}`,
        `{"features":{"price":1e${int(r, 300, 99_999)}},"prediction":-1e999,"latency_ms":1e999}`,
        `{"features":{"country":"${'c'.repeat(int(r, 1000, 200_000))}"},"prediction":0.5}`,
        `{"features":{"${'k'.repeat(int(r, 1000, 100_000))}":1},"prediction":0.5}`,
      ]);
      return { kind: 'huge numbers and strings', pieces: [request(PATH, body, JSON_TYPE)], statuses: [200], accepted: 1 };
    },
  ],
  [
    4,
    'headers and paths',
    (r) => {
      const event = validEvent(r);
      const variant = int(r, 0, 9);
      switch (variant) {
        case 0:
          return { kind: 'headers and paths', pieces: [request(PATH, event, { 'content-type': 'text/plain' })], statuses: [415], accepted: 0 };
        case 1:
          return { kind: 'headers and paths', pieces: [request(PATH, event, { ...JSON_TYPE, 'content-encoding': 'br' })], statuses: [415], accepted: 0 };
        case 2:
          return { kind: 'headers and paths', pieces: [request(PATH, gzipSync(event), { ...JSON_TYPE, 'content-encoding': 'gzip' })], statuses: [200], accepted: 1 };
        case 3:
          return { kind: 'headers and paths', pieces: [request(PATH, Buffer.from('not gzip'), { ...JSON_TYPE, 'content-encoding': 'gzip' })], statuses: [400], accepted: 0 };
        case 4:
          return { kind: 'headers and paths', pieces: [request('/v1/models/nope/predictions', event, JSON_TYPE)], statuses: [404], accepted: 0 };
        case 5:
          return { kind: 'headers and paths', pieces: [request(PATH, '', {}, 'GET')], statuses: [405], accepted: 0 };
        case 6:
          return { kind: 'headers and paths', pieces: [request(`/v1/models/${pick(r, ['%00%22%ED%A0%80', '%ZZ', '%E2%80%AE' + 'x'.repeat(500), '..%2F..'])}/predictions`, event, JSON_TYPE)], statuses: [404], accepted: 0 };
        case 7:
          return { kind: 'headers and paths', pieces: [request('/v1/models/shop/labels', '{}', JSON_TYPE)], statuses: [400], accepted: 0 };
        case 8:
          return { kind: 'headers and paths', pieces: [Buffer.from('CONNECT example.com:443 HTTP/1.1\r\nhost: example.com\r\n\r\n')], statuses: [405], accepted: 0, fresh: true };
        default:
          return { kind: 'headers and paths', pieces: [request(PATH, event, { ...JSON_TYPE, upgrade: 'websocket', connection: 'Upgrade' })], statuses: [200], accepted: 1 };
      }
    },
  ],
  [
    3,
    'pipelined requests',
    (r) => {
      const n = int(r, 2, 4);
      return { kind: 'pipelined requests', pieces: [Buffer.concat(Array.from({ length: n }, () => request(PATH, validEvent(r), JSON_TYPE)))], statuses: [200], accepted: n, responses: n };
    },
  ],
];

const TOTAL_WEIGHT = MAKERS.reduce((sum, [weight]) => sum + weight, 0);

/** The i-th case of a seeded run: the same seed and index always give the same bytes. */
export function fuzzCase(seed: number, index: number): FuzzCase {
  const random = seededRandom((seed * 1_000_003 + index) >>> 0);
  let roll = random() * TOTAL_WEIGHT;
  for (const [weight, , make] of MAKERS) {
    if (roll < weight) return make(random);
    roll -= weight;
  }
  return MAKERS[0][2](random);
}
