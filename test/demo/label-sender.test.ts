// The label sender against a real loopback server, on a clock the test moves: a label goes out
// only once its delay has passed, in due order, batched, with the answer's counts; and the
// traffic's outcomes come from their own stream (the same applicants with or without labels).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LabelSender } from '../../src/demo/label-sender.js';
import { TrafficGenerator } from '../../src/demo/traffic.js';
import { trueApprovalProbability, type CreditApplication } from '../../src/demo/credit-model.js';

let server: Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s !== null) await new Promise<void>((resolve) => s.close(() => resolve()));
});

/** Records each request's NDJSON lines and answers as the labels endpoint does. */
async function labelsEndpoint(received: { id: string; label: string }[][]): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const items = body.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { id: string; label: string });
      received.push(items);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: items.length, joined: items.length - 1, pending: 1, rejected: 0, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/models/credit/labels`;
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LabelSender', () => {
  it('sends each label once its delay has passed, in due order, in batches of at most maxBatch', async () => {
    const received: { id: string; label: string }[][] = [];
    const url = await labelsEndpoint(received);
    let now = 0;
    const labels = new LabelSender({ url, delaySeconds: 10, maxBatch: 3, elapsedSeconds: () => now });
    for (let i = 1; i <= 5; i++) labels.add(`p-${i}`, i % 2 === 0 ? 'approved' : 'rejected', i);
    const stop = new AbortController();
    const running = labels.run(stop.signal);
    now = 10.5; // nothing is due before 11 s
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toEqual([]);
    now = 14; // p-1 … p-4 are due: a batch of 3, then 1
    await until(() => labels.stats.accepted === 4);
    expect(received.map((batch) => batch.map((l) => l.id))).toEqual([['p-1', 'p-2', 'p-3'], ['p-4']]);
    expect(received[0]).toEqual([{ id: 'p-1', label: 'rejected' }, { id: 'p-2', label: 'approved' }, { id: 'p-3', label: 'rejected' }]);
    expect(labels.waiting).toBe(1);
    stop.abort();
    await running;
    expect(labels.stats).toMatchObject({ queued: 5, sent: 4, requests: 2, accepted: 4, joined: 2, pending: 2, rejected: 0, failedRequests: 0 });
  });

  it('counts a failed request as lost labels, not a crash', async () => {
    const labels = new LabelSender({ url: 'http://127.0.0.1:1/v1/models/credit/labels', delaySeconds: 0, maxBatch: 10, elapsedSeconds: () => 1 });
    labels.add('p-1', 'approved', 0);
    const stop = new AbortController();
    const running = labels.run(stop.signal);
    await until(() => labels.stats.failedRequests === 1);
    stop.abort();
    await running;
    expect(labels.stats).toMatchObject({ sent: 1, lost: 1, accepted: 0 });
    expect(labels.stats.lastError).toMatch(/cannot reach/);
  });
});

describe('TrafficGenerator outcomes', () => {
  it('draws outcomes beside the events without changing them, at the truth’s rate', () => {
    const plain = new TrafficGenerator({ seed: 9 });
    const labelled = new TrafficGenerator({ seed: 9 });
    let approved = 0;
    let expected = 0;
    for (let i = 0; i < 4000; i++) {
      const event = plain.next(0, new Date(0));
      const next = labelled.nextLabelled(0, new Date(0));
      expect(next.event).toEqual(event);
      if (next.outcome === 'approved') approved++;
      // Before the drift and without faults the features are the application itself.
      expected += trueApprovalProbability(event.features as unknown as CreditApplication);
    }
    // Binomial: 4000 draws, SD about 27.
    expect(Math.abs(approved - expected)).toBeLessThan(120);
  });
});
