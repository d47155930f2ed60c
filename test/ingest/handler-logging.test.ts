// Rejected events are logged at debug level by problem and position only; the body (which
// may hold personal data) appears only when logging.log_feature_values is switched on.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../src/ingest/handler.js';
import { Fleet } from '../../src/monitor/fleet.js';
import { testConfig, testReference } from '../support/synthetic-reference.js';

async function logsOfRejectedBatch(logFeatureValues: boolean): Promise<string> {
  let logs = '';
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => ((logs += chunk.toString('utf8')), done()) });
  const config = testConfig();
  const fleet = new Fleet(config, new Map([['shop', testReference()]]));
  const server = createServer(createIngestHandler(fleet, config.ingest, pino({ level: 'debug' }, sink), { logFeatureValues }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const body = [
      JSON.stringify({ features: { price: 5, country: 'DE', returning: true }, prediction: 0.4 }),
      JSON.stringify({ features: 'PRIVATE-jane.doe@example.com', prediction: 0.4 }),
      '{"features": {"price": PRIVATE-123',
    ].join('\n');
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/models/shop/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    });
    expect(await response.json()).toMatchObject({ accepted: 1, rejected: 2 });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return logs;
}

describe('ingest logging of rejected events', () => {
  it('names the problems and never the content by default', async () => {
    const logs = await logsOfRejectedBatch(false);
    const line = JSON.parse(logs.split('\n').find((l) => l.includes('events rejected')) ?? 'null') as { rejected: number; errors: unknown[] } | null;
    expect(line).toMatchObject({ rejected: 2, errors: [{ index: 1 }, { index: 2 }] });
    expect(logs).not.toContain('PRIVATE');
  });

  it('adds the start of the body when log_feature_values is on', async () => {
    const logs = await logsOfRejectedBatch(true);
    expect(logs).toContain('PRIVATE-jane.doe@example.com');
  });
});
