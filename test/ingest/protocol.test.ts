// What Node's HTTP layer decides before a request reaches the handler — parser errors, header
// and request timeouts, CONNECT, Upgrade, the connection cap — is answered in JSON where an
// answer is possible (Node's default was a bare "400 Bad Request" and a silent drop for
// CONNECT) and always counted, under __other__.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { createIngestServer } from '../../src/ingest/server.js';
import { Fleet } from '../../src/monitor/fleet.js';
import { REJECT_REASONS, type RejectReason } from '../../src/monitor/rejections.js';
import { RawConnection, httpRequest, type RawOutcome } from '../support/raw-http.js';
import { testConfig, testReference } from '../support/synthetic-reference.js';

let server: Server;
let port: number;
let fleet: Fleet;

async function start(change: (config: Config) => void = () => {}): Promise<void> {
  const config = testConfig();
  change(config);
  fleet = new Fleet(config, new Map([['shop', testReference()]]));
  server = createIngestServer(fleet, config, pino({ level: 'silent' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
}

beforeEach(async () => start());
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const other = (reason: RejectReason) => fleet.rejections.get(fleet.models.length, REJECT_REASONS.indexOf(reason));
const EVENT = JSON.stringify({ features: { price: 1 }, prediction: 0.5 });

async function send(pieces: (string | Buffer)[], options: { timeoutMs?: number; pauseMs?: number } = {}): Promise<RawOutcome> {
  const connection = new RawConnection(port);
  try {
    return await connection.exchange(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)), options);
  } finally {
    connection.destroy();
  }
}

function refusal(outcome: RawOutcome): { status: number; error: string; message: string; headers: Record<string, string> } {
  if (outcome.kind !== 'response') throw new Error(`expected an answer, got ${outcome.kind}`);
  const { status, headers, body } = outcome.response;
  expect(headers['content-type']).toBe('application/json');
  expect(headers['x-content-type-options']).toBe('nosniff');
  return { status, headers, ...(JSON.parse(body.toString('utf8')) as { error: string; message: string }) };
}

describe('requests Node refuses before the handler', () => {
  it.each([
    ['a garbage request line', 'GARBAGE\r\n\r\n'],
    ['a bad method token', 'P@ST / HTTP/1.1\r\nhost: x\r\n\r\n'],
    ['a header without a colon', 'POST / HTTP/1.1\r\nhost x\r\n\r\n'],
    ['bad chunk framing', 'POST /v1/models/shop/predictions HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'],
    ['two content lengths that disagree', 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab'],
  ])('answers %s with 400 bad_request in JSON', async (_name, raw) => {
    const answer = refusal(await send([raw]));
    expect(answer).toMatchObject({ status: 400, error: 'bad_request' });
    expect(answer.message).toMatch(/^malformed HTTP request/);
    expect(other('bad_request')).toBe(1);
  });

  it('answers headers over 16 KiB with 431', async () => {
    const answer = refusal(await send([`POST /v1/models/shop/predictions HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`]));
    expect(answer).toMatchObject({ status: 431, error: 'headers_too_large' });
    expect(other('headers_too_large')).toBe(1);
  });

  it('answers CONNECT with 405 instead of dropping it', async () => {
    const answer = refusal(await send(['CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n']));
    expect(answer).toMatchObject({ status: 405, error: 'method_not_allowed' });
    expect(answer.headers.allow).toBe('POST');
    expect(other('method_not_allowed')).toBe(1);
  });

  it('serves a request asking to upgrade (WebSocket, h2c) as plain HTTP/1.1', async () => {
    for (const upgrade of ['websocket', 'h2c']) {
      const outcome = await send([httpRequest('POST', '/v1/models/shop/predictions', EVENT, { 'content-type': 'application/json', connection: 'Upgrade', upgrade })]);
      expect(outcome.kind === 'response' && outcome.response.status).toBe(200);
    }
  });
});

describe('timeouts and the connection cap', () => {
  it('answers 408 when the headers do not arrive in time, and counts it', async () => {
    server.close();
    await start((c) => {
      c.ingest.headers_timeout_seconds = 1;
      c.ingest.request_timeout_seconds = 2;
    });
    const answer = refusal(await send(['POST /v1/models/shop/predictions HTTP/1.1\r\nhost: x\r\n'], { timeoutMs: 5000 }));
    expect(answer).toMatchObject({ status: 408, error: 'request_timeout' });
    expect(other('request_timeout')).toBe(1);
  });

  it('answers 408 to a stalled body and gives its bytes back to the budget', async () => {
    server.close();
    await start((c) => {
      c.ingest.headers_timeout_seconds = 1;
      c.ingest.request_timeout_seconds = 2;
      c.ingest.max_buffered_bytes = 30_000;
    });
    const head = 'POST /v1/models/shop/predictions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 40000\r\n\r\n';
    const answer = refusal(await send([head, Buffer.alloc(20_000, 0x20)], { timeoutMs: 6000 }));
    expect(answer).toMatchObject({ status: 408, error: 'request_timeout' });
    // 20 kB of the stalled body were buffered; once it is gone a 20 kB body fits again.
    await new Promise((r) => setTimeout(r, 100));
    const body = JSON.stringify(Array.from({ length: 50 }, () => JSON.parse(EVENT) as unknown));
    expect(body.length).toBeGreaterThan(1500);
    const outcome = await send([httpRequest('POST', '/v1/models/shop/predictions', Buffer.concat([Buffer.from(body), Buffer.alloc(20_000 - body.length, 0x20)]), { 'content-type': 'application/json' })]);
    expect(outcome.kind === 'response' && outcome.response.status).toBe(200);
  }, 15_000);

  it('closes connections beyond max_connections at once, and counts them', async () => {
    server.close();
    await start((c) => (c.ingest.max_connections = 2));
    const held = [new RawConnection(port), new RawConnection(port)];
    // Both open and served: the cap counts connections, not requests.
    for (const c of held) {
      const outcome = await c.exchange([httpRequest('POST', '/v1/models/shop/predictions', EVENT, { 'content-type': 'application/json' })]);
      expect(outcome.kind === 'response' && outcome.response.status).toBe(200);
    }
    const third = new RawConnection(port);
    expect((await third.exchange([httpRequest('POST', '/v1/models/shop/predictions', EVENT)], { timeoutMs: 3000 })).kind).toBe('closed');
    third.destroy();
    expect(other('too_many_connections')).toBe(1);
    for (const c of held) c.destroy();
  });
});
