// The ingest endpoint over real HTTP on loopback, through the server `mlwatch serve` runs:
// status codes, answers, and the rejection counter for every kind of bad input; nothing
// valid lost beside bad events; every answer JSON and never sniffed; every request answered,
// even when recording throws.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { createIngestServer } from '../../src/ingest/server.js';
import { Fleet } from '../../src/monitor/fleet.js';
import { Q_VALUES } from '../../src/monitor/layout.js';
import { REJECT_REASONS, type RejectReason } from '../../src/monitor/rejections.js';
import { testConfig, testReference } from '../support/synthetic-reference.js';

let server: Server;
let base: string;
let fleet: Fleet;

async function start(change: (config: Config) => void = () => {}): Promise<void> {
  const config = testConfig();
  change(config);
  fleet = new Fleet(config, new Map([['shop', testReference()]]));
  server = createIngestServer(fleet, config, pino({ level: 'silent' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

beforeEach(async () => start());
afterEach(stop);

function post(path: string, body: string | Buffer, contentType = 'application/json', headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': contentType, ...headers } });
}

function rejected(reason: RejectReason, model = 0): number {
  return fleet.rejections.get(model, REJECT_REASONS.indexOf(reason));
}

/** Every rejection counted, by "model/reason", zeros left out. */
function allRejections(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let m = 0; m <= fleet.models.length; m++) {
    REJECT_REASONS.forEach((reason, r) => {
      const n = fleet.rejections.get(m, r);
      if (n > 0) counts[`${m === fleet.models.length ? '__other__' : fleet.models[m].monitor.model.name}/${reason}`] = n;
    });
  }
  return counts;
}

const OTHER = () => fleet.models.length;
const good = (price: number) => ({ features: { price, country: 'DE', returning: true }, prediction: { score: 0.4 }, latency_ms: 3 });
const PATH = '/v1/models/shop/predictions';

describe('POST /v1/models/{model}/predictions', () => {
  it('accepts one event, an array, and NDJSON', async () => {
    let res = await post(PATH, JSON.stringify(good(1)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, rejected: 0, errors: [] });
    res = await post(PATH, JSON.stringify([good(2), good(3)]));
    expect(await res.json()).toEqual({ accepted: 2, rejected: 0, errors: [] });
    res = await post(PATH, [good(4), good(5), good(6)].map((e) => JSON.stringify(e)).join('\n') + '\n', 'application/x-ndjson');
    expect(await res.json()).toEqual({ accepted: 3, rejected: 0, errors: [] });
    expect(fleet.models[0].monitor.state.defaultCell.versionCount(0)).toBe(6);
  });

  it('accepts every good event of a mixed batch and reports the bad ones by index and line', async () => {
    const lines = [JSON.stringify(good(1)), '{not json', '', JSON.stringify({ features: [] }), JSON.stringify(good(2)), '  ', '[1,', JSON.stringify(good(3))];
    const res = await post(PATH, lines.join('\n'), 'application/x-ndjson');
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { accepted: number; rejected: number; errors: { index: number; line: number; message: string }[] };
    expect(answer.accepted).toBe(3);
    expect(answer.rejected).toBe(3);
    // index counts events (non-blank lines); line counts every line of the body, 1-based.
    expect(answer.errors.map((e) => [e.index, e.line])).toEqual([[1, 2], [2, 4], [4, 7]]);
    expect(answer.errors[0].message).toMatch(/^invalid JSON on line 2 of the body/);
    expect(answer.errors[1].message).toBe('line 4: "features" must be an object of feature name to value');
    expect(answer.errors[2].message).toMatch(/line 7/);
    expect(rejected('invalid_json')).toBe(2);
    expect(rejected('invalid_event')).toBe(1);
    expect(fleet.models[0].monitor.state.defaultCell.qualityCount(fleet.models[0].monitor.layout.slots[0], Q_VALUES)).toBe(3);
  });

  it('lists at most max_reported_errors errors but counts them all', async () => {
    const res = await post(PATH, JSON.stringify([1, 2, 3, 4, 5, good(1)]));
    const answer = (await res.json()) as { accepted: number; rejected: number; errors: unknown[] };
    expect(answer).toMatchObject({ accepted: 1, rejected: 5 });
    expect(answer.errors).toHaveLength(3);
    expect(answer.errors[0]).toEqual({ index: 0, message: 'event must be a JSON object' });
    expect(rejected('invalid_event')).toBe(5);
  });

  it('answers 400 when nothing in the request is accepted', async () => {
    const res = await post(PATH, JSON.stringify([{ features: 1 }]));
    expect(res.status).toBe(400);
  });

  it.each([
    ['malformed JSON', '{"features": {', 'application/json', 400, 'invalid_json'],
    ['an empty body', '', 'application/json', 400, 'empty_body'],
    ['an empty array', '[]', 'application/json', 400, 'empty_body'],
    ['blank NDJSON', '\n \n\r\n', 'application/x-ndjson', 400, 'empty_body'],
    ['a wrong content type', 'hello', 'text/plain', 415, 'unsupported_media_type'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'application/json', 400, 'invalid_encoding'],
    ['too many events', JSON.stringify(Array.from({ length: 101 }, () => good(1))), 'application/json', 413, 'batch_too_large'],
  ] as const)('rejects %s with %i and counts reason', async (_name, body, type, status, reason) => {
    const res = await post(PATH, body, type);
    expect(res.status).toBe(status);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const answer = (await res.json()) as { error: string; message: string };
    expect(answer.error).toBe(reason);
    expect(answer.message.length).toBeGreaterThan(0);
    expect(allRejections()).toEqual({ [`shop/${reason}`]: 1 });
  });

  it('rejects a body over max_body_bytes with 413 and keeps serving', async () => {
    const huge = JSON.stringify(Array.from({ length: 5000 }, () => good(1)));
    const res = await post(PATH, huge).catch(() => null);
    // The server may close the connection before the client finishes sending; both are a refusal.
    if (res) expect(res.status).toBe(413);
    expect(rejected('body_too_large')).toBe(1);
    const after = await post(PATH, JSON.stringify(good(1)));
    expect(after.status).toBe(200);
  });

  it('survives deep nesting and __proto__ keys', async () => {
    await stop();
    await start((c) => (c.ingest.max_body_bytes = 1024 * 1024));
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const res = await post(PATH, deep);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'too_complex' });
    const proto = await post(PATH, '{"features":{"__proto__":{"polluted":true},"price":5},"prediction":0.5}');
    expect(await proto.json()).toEqual({ accepted: 1, rejected: 0, errors: [] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(fleet.models[0].monitor.state.defaultCell.unknownFields).toBe(1);
  });

  it('answers 404 for an unknown model, echoing the name (bounded, escaped), counted under __other__', async () => {
    let res = await post('/v1/models/nope/predictions', JSON.stringify(good(1)));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'unknown_model', message: 'unknown model "nope"; configured models: shop' });
    expect(rejected('unknown_model', OTHER())).toBe(1);
    res = await post(`/v1/models/${encodeURIComponent('a"b\n' + 'x'.repeat(500))}/predictions`, '{}');
    const { message } = (await res.json()) as { message: string };
    expect(message).toBe(`unknown model ${JSON.stringify('a"b\n' + 'x'.repeat(60) + '…')}; configured models: shop`);
    res = await post('/v1/models/%E0%A4%A/predictions', '{}');
    expect(await res.json()).toMatchObject({ message: 'unknown model "%E0%A4%A"; configured models: shop' });
    res = await post('/v2/whatever', '{}');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
    expect(rejected('not_found', OTHER())).toBe(1);
  });

  it('takes labels on the labels endpoint (test/ingest/labels.test.ts has the rest)', async () => {
    const res = await post('/v1/models/shop/labels', '{"id":"a","label":"yes"}');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.json()).toMatchObject({ accepted: 1, pending: 1 });
  });

  it('answers 405 to other methods, counted', async () => {
    const res = await fetch(`${base}${PATH}`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toMatchObject({ error: 'method_not_allowed' });
    expect(allRejections()).toEqual({ 'shop/method_not_allowed': 1 });
  });

  it('sends X-Content-Type-Options: nosniff on a success too', async () => {
    const res = await post(PATH, JSON.stringify(good(1)));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toBe('application/json');
  });
});

describe('a failure while recording', () => {
  it('answers 500 with a reason, counts it, and keeps serving (small and large bodies)', async () => {
    const monitor = fleet.models[0].monitor;
    const record = monitor.record.bind(monitor);
    let calls = 0;
    monitor.record = (event: unknown) => {
      if (++calls === 2) throw new Error('recording failed');
      return record(event);
    };
    const small = await post(PATH, JSON.stringify([good(1), good(2), good(3)]));
    expect(small.status).toBe(500);
    expect(await small.json()).toMatchObject({ error: 'internal_error' });
    // A body over 64 KiB takes the sliced path.
    await stop();
    await start((c) => {
      c.ingest.max_body_bytes = 1024 * 1024;
      c.ingest.max_batch_events = 10_000;
    });
    const large = fleet.models[0].monitor;
    large.record = () => {
      throw new Error('recording failed');
    };
    const body = Array.from({ length: 2000 }, (_, i) => JSON.stringify(good(i))).join('\n');
    expect(body.length).toBeGreaterThan(64 * 1024);
    const res = await post(PATH, body, 'application/x-ndjson');
    expect(res.status).toBe(500);
    expect(rejected('internal_error')).toBe(1);
    large.record = record;
    expect((await post(PATH, JSON.stringify(good(1)))).status).toBe(200);
  });
});

describe('gzip bodies', () => {
  it('inflates Content-Encoding: gzip, judging the limit on the inflated bytes', async () => {
    const batch = JSON.stringify([good(1), good(2)]);
    let res = await post(PATH, gzipSync(batch), 'application/json', { 'content-encoding': 'gzip' });
    expect(await res.json()).toEqual({ accepted: 2, rejected: 0, errors: [] });
    // A zip bomb: 40 KiB of gzip that would inflate to 40 MiB; the limit is 64 KiB.
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    res = await post(PATH, bomb, 'application/json', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'body_too_large', message: expect.stringContaining('once inflated') });
    res = await post(PATH, Buffer.from('not gzip at all'), 'application/json', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_encoding' });
    expect((await post(PATH, JSON.stringify(good(1)))).status).toBe(200);
  });

  it('answers 415 naming an encoding it does not support', async () => {
    const res = await post(PATH, 'x', 'application/json', { 'content-encoding': 'br' });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error: 'unsupported_media_type',
      message: 'Content-Encoding "br" is not supported; send the body uncompressed or as gzip',
    });
  });
});

describe('the buffered-bytes budget', () => {
  it('answers 503 with Retry-After beyond max_buffered_bytes, and frees the budget after', async () => {
    await stop();
    await start((c) => (c.ingest.max_buffered_bytes = 1000));
    const res = await post(PATH, JSON.stringify(Array.from({ length: 20 }, (_, i) => good(i))));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ error: 'overloaded' });
    expect(rejected('overloaded')).toBe(1);
    for (let i = 0; i < 5; i++) expect((await post(PATH, JSON.stringify(good(i)))).status).toBe(200);
  });
});

describe('bearer token', () => {
  const TOKEN_ENV = 'MLWATCH_HANDLER_TEST_TOKEN';

  beforeEach(async () => {
    await stop();
    process.env[TOKEN_ENV] = 's3cret';
    await start((c) => (c.ingest.auth_token_env = TOKEN_ENV));
  });

  it('refuses a missing or wrong token and accepts the right one', async () => {
    const res = await post(PATH, JSON.stringify(good(1)));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="mlwatch"');
    expect((await post(PATH, JSON.stringify(good(1)), 'application/json', { authorization: 'Bearer nope!!' })).status).toBe(401);
    expect((await post(PATH, JSON.stringify(good(1)), 'application/json', { authorization: 'Basic czNjcmV0' })).status).toBe(401);
    expect((await post(PATH, JSON.stringify(good(1)), 'application/json', { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await post(PATH, JSON.stringify(good(1)), 'application/json', { authorization: 'bearer s3cret' })).status).toBe(200);
    expect(allRejections()).toEqual({ '__other__/unauthorized': 3 });
  });

  it('authenticates before anything that reveals the config, and moves no model counter', async () => {
    const probes = [
      post('/v1/models/nope/predictions', '{}'),
      fetch(`${base}${PATH}`),
      fetch(`${base}/v1/models/nope/predictions`),
      post('/v2/whatever', '{}'),
      post(PATH, 'x', 'text/plain'),
    ];
    for (const res of await Promise.all(probes)) {
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(text).not.toContain('shop');
      expect(JSON.parse(text)).toMatchObject({ error: 'unauthorized' });
    }
    expect(allRejections()).toEqual({ '__other__/unauthorized': 5 });
    const authorized = { authorization: 'Bearer s3cret' };
    const res = await post('/v1/models/nope/predictions', '{}', 'application/json', authorized);
    expect(await res.json()).toMatchObject({ error: 'unknown_model', message: 'unknown model "nope"; configured models: shop' });
  });
});
