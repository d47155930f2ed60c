// The sender against a real loopback server, on a fake clock: the batch size follows the
// rate and the elapsed time, answers are counted, failures are lost events, not crashes.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TrafficSender } from '../../src/demo/sender.js';
import { TrafficGenerator } from '../../src/demo/traffic.js';

interface Received {
  headers: IncomingMessage['headers'];
  lines: string[];
}

let server: Server | null = null;

afterEach(async () => {
  const s = server;
  server = null;
  if (s !== null) await new Promise<void>((resolve) => s.close(() => resolve()));
});

/** A server that records one request, answers it with `status` and `answer(lines)`, then stops the sender. */
async function serveOnce(status: number, answer: (lines: string[]) => unknown, stop: AbortController, received: Received[]): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const lines = body.split('\n').filter((l) => l !== '');
      received.push({ headers: req.headers, lines });
      stop.abort();
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify(answer(lines)));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/models/credit/predictions`;
}

/** A clock the test moves: the sender sees `clock.ms` milliseconds. */
function fakeClock(): { ms: number; now: () => number } {
  const clock = { ms: 0, now: () => clock.ms };
  return clock;
}

describe('TrafficSender', () => {
  it('posts rate × elapsed events as one NDJSON batch and counts the answer', async () => {
    const stop = new AbortController();
    const received: Received[] = [];
    const url = await serveOnce(200, (lines) => ({ accepted: lines.length, rejected: 0, errors: [] }), stop, received);
    const clock = fakeClock();
    const sender = new TrafficSender({ generator: new TrafficGenerator({ seed: 3 }), url, rate: 100, maxBatch: 1000, authToken: 's3cret', now: clock.now });
    clock.ms = 250;
    await sender.run(stop.signal);

    expect(received).toHaveLength(1);
    expect(received[0].headers['content-type']).toBe('application/x-ndjson');
    expect(received[0].headers.authorization).toBe('Bearer s3cret');
    expect(received[0].lines).toHaveLength(25);
    expect((JSON.parse(received[0].lines[0]) as { id: string }).id).toBe('demo-1');
    expect(sender.stats).toMatchObject({ sent: 25, accepted: 25, rejected: 0, requests: 1, failedRequests: 0, lost: 0, skipped: 0 });
  });

  it('drops the backlog beyond one second instead of flooding a slow sidecar', async () => {
    const stop = new AbortController();
    const received: Received[] = [];
    const url = await serveOnce(200, (lines) => ({ accepted: lines.length, rejected: 0, errors: [] }), stop, received);
    const clock = fakeClock();
    const sender = new TrafficSender({ generator: new TrafficGenerator({ seed: 3 }), url, rate: 100, maxBatch: 40, now: clock.now });
    clock.ms = 5000;
    await sender.run(stop.signal);
    // 500 due, 100 kept (one second's worth), sent in batches of at most 40.
    expect(sender.stats.skipped).toBe(400);
    expect(received[0].lines).toHaveLength(40);
  });

  it('counts an error answer as a failed request whose events are lost, with its message', async () => {
    const stop = new AbortController();
    const url = await serveOnce(401, () => ({ error: 'unauthorized', message: 'missing or wrong bearer token' }), stop, []);
    const clock = fakeClock();
    const sender = new TrafficSender({ generator: new TrafficGenerator({ seed: 3 }), url, rate: 100, maxBatch: 1000, now: clock.now });
    clock.ms = 100;
    await sender.run(stop.signal);
    expect(sender.stats).toMatchObject({ sent: 10, accepted: 0, failedRequests: 1, lost: 10 });
    expect(sender.stats.lastError).toBe(`HTTP 401 from ${url}: missing or wrong bearer token`);
  });

  it('counts events rejected by the sidecar (400 with counts) as rejected, not lost', async () => {
    const stop = new AbortController();
    const url = await serveOnce(400, (lines) => ({ accepted: 0, rejected: lines.length, errors: [{ index: 0, message: 'features must be an object' }] }), stop, []);
    const clock = fakeClock();
    const sender = new TrafficSender({ generator: new TrafficGenerator({ seed: 3 }), url, rate: 100, maxBatch: 1000, now: clock.now });
    clock.ms = 100;
    await sender.run(stop.signal);
    expect(sender.stats).toMatchObject({ sent: 10, rejected: 10, failedRequests: 1, lost: 0 });
    expect(sender.stats.lastError).toContain('features must be an object');
  });

  it('survives an unreachable sidecar: a failed request, lost events, the reason', async () => {
    // A port that was just free: nothing listens there now.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const stop = new AbortController();
    const clock = fakeClock();
    let attempts = (): number => 0;
    const sender = new TrafficSender({
      generator: new TrafficGenerator({ seed: 3 }),
      url: `http://127.0.0.1:${port}/v1/models/credit/predictions`,
      rate: 100,
      maxBatch: 1000,
      now: () => {
        // Stop after the first attempt: the second look at the clock is the next loop.
        if (attempts() > 0) stop.abort();
        return clock.now();
      },
    });
    attempts = () => sender.stats.requests;
    clock.ms = 100;
    await sender.run(stop.signal);
    expect(sender.stats).toMatchObject({ sent: 10, failedRequests: 1, lost: 10, accepted: 0 });
    expect(sender.stats.lastError).toMatch(/ECONNREFUSED/);
  });
});
