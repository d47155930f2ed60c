// The ingest endpoint over real HTTP on loopback: status codes, answers, and the
// rejection counter for every kind of bad input; nothing valid lost beside bad events.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../src/ingest/handler.js';
import { Fleet } from '../../src/monitor/fleet.js';
import { Q_VALUES } from '../../src/monitor/layout.js';
import { REJECT_REASONS, type RejectReason } from '../../src/monitor/rejections.js';
import { testConfig, testReference } from '../support/synthetic-reference.js';

let server: Server;
let base: string;
let fleet: Fleet;

async function start(env: Record<string, string> = {}, tokenEnv?: string): Promise<void> {
  Object.assign(process.env, env);
  const config = testConfig();
  if (tokenEnv) config.ingest.auth_token_env = tokenEnv;
  fleet = new Fleet(config, new Map([['shop', testReference()]]));
  server = createServer(createIngestHandler(fleet, config.ingest, pino({ level: 'silent' })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(async () => start());
afterEach(async () => new Promise<void>((resolve) => server.close(() => resolve())));

function post(path: string, body: string | Buffer, contentType = 'application/json', headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': contentType, ...headers } });
}

function rejected(reason: RejectReason, model = 0): number {
  return fleet.rejections.get(model, REJECT_REASONS.indexOf(reason));
}

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

  it('accepts every good event of a mixed batch and reports the bad ones by index', async () => {
    const lines = [JSON.stringify(good(1)), '{not json', JSON.stringify({ features: [] }), JSON.stringify(good(2)), '[1,', JSON.stringify(good(3))];
    const res = await post(PATH, lines.join('\n'), 'application/x-ndjson');
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { accepted: number; rejected: number; errors: { index: number; message: string }[] };
    expect(answer.accepted).toBe(3);
    expect(answer.rejected).toBe(3);
    expect(answer.errors.map((e) => e.index)).toEqual([1, 2, 4]);
    expect(answer.errors[1].message).toMatch(/features/);
    expect(rejected('invalid_json')).toBe(2);
    expect(rejected('invalid_event')).toBe(1);
    expect(fleet.models[0].monitor.state.defaultCell.qualityCount(fleet.models[0].monitor.layout.slots[0], Q_VALUES)).toBe(3);
  });

  it('lists at most max_reported_errors errors but counts them all', async () => {
    const res = await post(PATH, JSON.stringify([1, 2, 3, 4, 5, good(1)]));
    const answer = (await res.json()) as { accepted: number; rejected: number; errors: unknown[] };
    expect(answer).toMatchObject({ accepted: 1, rejected: 5 });
    expect(answer.errors).toHaveLength(3);
    expect(rejected('invalid_event')).toBe(5);
  });

  it('answers 400 when nothing in the request is accepted', async () => {
    const res = await post(PATH, JSON.stringify([{ features: 1 }]));
    expect(res.status).toBe(400);
  });

  it.each([
    ['malformed JSON', '{"features": {', 'application/json', 400, 'invalid_json'],
    ['an empty body', '', 'application/json', 400, 'empty_body'],
    ['a wrong content type', 'hello', 'text/plain', 415, 'unsupported_media_type'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'application/json', 400, 'invalid_encoding'],
    ['too many events', JSON.stringify(Array.from({ length: 101 }, () => good(1))), 'application/json', 413, 'batch_too_large'],
  ] as const)('rejects %s with %i and counts reason', async (_name, body, type, status, reason) => {
    const res = await post(PATH, body, type);
    expect(res.status).toBe(status);
    const answer = (await res.json()) as { error: string; message: string };
    expect(answer.error).toBe(reason);
    expect(answer.message.length).toBeGreaterThan(0);
    expect(rejected(reason)).toBe(1);
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
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const res = await post(PATH, deep);
    expect([400, 413]).toContain(res.status);
    const proto = await post(PATH, '{"features":{"__proto__":{"polluted":true},"price":5},"prediction":0.5}');
    expect(await proto.json()).toEqual({ accepted: 1, rejected: 0, errors: [] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(fleet.models[0].monitor.state.defaultCell.unknownFields).toBe(1);
  });

  it('answers 404 for an unknown model, counted under __other__', async () => {
    const res = await post('/v1/models/nope/predictions', JSON.stringify(good(1)));
    expect(res.status).toBe(404);
    expect(rejected('unknown_model', fleet.models.length)).toBe(1);
    expect((await post('/v2/whatever', '{}')).status).toBe(404);
  });

  it('answers 501 on the labels endpoint, reserved for the ground-truth join', async () => {
    const res = await post('/v1/models/shop/labels', '{"id":"a","label":"yes"}');
    expect(res.status).toBe(501);
    expect(await res.json()).toMatchObject({ error: 'not_implemented' });
  });

  it('answers 405 to other methods', async () => {
    const res = await fetch(`${base}${PATH}`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('bearer token', () => {
  it('refuses a missing or wrong token and accepts the right one', async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await start({ MLWATCH_TEST_TOKEN: 's3cret' }, 'MLWATCH_TEST_TOKEN');
    expect((await post(PATH, JSON.stringify(good(1)))).status).toBe(401);
    expect((await post(PATH, JSON.stringify(good(1)), 'application/json', { authorization: 'Bearer nope!!' })).status).toBe(401);
    expect((await post(PATH, JSON.stringify(good(1)), 'application/json', { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect(rejected('unauthorized')).toBe(2);
  });
});
