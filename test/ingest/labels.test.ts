// POST /v1/models/{model}/labels over real HTTP: one label, an array and NDJSON; a mixed batch
// answered item by item with every bad item counted by reason and every good one joined or
// waiting; the counters a scrape shows; and, as a property, that no body of random items
// crashes it or loses an item from the tallies.
import fc from 'fast-check';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fleet } from '../../src/monitor/fleet.js';
import { DUPLICATE, EXPIRED, INVALID, UNKNOWN_ID } from '../../src/monitor/labels/join-store.js';
import { MetricsRegistry, createCollectors } from '../../src/metrics/registry.js';
import { startIngestServer, type IngestServer } from '../support/ingest-server.js';

let server: IngestServer;
let base: string;
let fleet: Fleet;
let now = 1_000_000;

beforeEach(async () => {
  server = await startIngestServer({ label_ttl_seconds: 60, max_pending_labels: 1000 }, () => now);
  ({ fleet, base } = server);
});
afterEach(() => server.close());

function post(path: string, body: string, contentType = 'application/json') {
  return fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } });
}
const event = (id: string | number, score: number) => ({ id, features: { price: 100, country: 'DE', returning: true }, prediction: { score } });
const labels = () => fleet.models[0].monitor.state.labels;

describe('POST /v1/models/{model}/labels', () => {
  it('joins one label, an array and NDJSON to the predictions of the same id', async () => {
    await post('/v1/models/shop/predictions', JSON.stringify([event('a', 0.9), event('b', 0.2), event(3, 0.6), event('d', 0.1)]));
    now += 5_000;
    let res = await post('/v1/models/shop/labels', JSON.stringify({ id: 'a', label: 'yes' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, joined: 1, pending: 0, rejected: 0, errors: [] });
    res = await post('/v1/models/shop/labels', JSON.stringify([{ id: 'b', label: 'no' }, { id: '3', label: 1 }]));
    expect(await res.json()).toEqual({ accepted: 2, joined: 2, pending: 0, rejected: 0, errors: [] });
    res = await post('/v1/models/shop/labels', '{"id":"d","label":false}\n\n{"id":"later","label":"yes"}\n', 'application/x-ndjson');
    expect(await res.json()).toEqual({ accepted: 2, joined: 1, pending: 1, rejected: 0, errors: [] });
    const store = labels().store;
    expect(store.joined).toBe(4);
    expect(labels().lag.count).toBe(4);
    expect(labels().lag.sum).toBeCloseTo(20, 9);
    // The label for "later" joins when its prediction comes.
    await post('/v1/models/shop/predictions', JSON.stringify(event('later', 0.3)));
    expect(store.joined).toBe(5);
    const confusion = labels().cells[0].totals;
    // actual × predicted (no, yes, __other__): a yes→yes, b no→no, 3 yes→yes, d no→no, later yes→no.
    expect([...confusion.subarray(0, 6)]).toEqual([2, 0, 0, 1, 2, 0]);
  });

  it('answers a mixed batch item by item and counts each refusal by reason', async () => {
    await post('/v1/models/shop/predictions', JSON.stringify([event('a', 0.9), event('old', 0.5)]));
    now += 61_000;
    await post('/v1/models/shop/predictions', JSON.stringify([event('b', 0.9)]));
    const items = [
      { id: 'b', label: 'yes' },
      { id: 'b', label: 'yes' },
      { id: 'old', label: 'no' },
      { label: 'yes' },
      { id: 'c', label: 'maybe' },
      { id: 'c', label: 7 },
      { id: 'c', label: 'yes', timestamp: 'yesterday' },
      'text',
      { id: 'new', label: 'no', timestamp: now / 1000 },
    ];
    const res = await post('/v1/models/shop/labels', JSON.stringify(items));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { accepted: number; joined: number; pending: number; rejected: number; errors: { index: number; message: string }[] };
    expect(answer).toMatchObject({ accepted: 2, joined: 1, pending: 1, rejected: 7 });
    // max_reported_errors is 3 in the test config.
    expect(answer.errors).toEqual([
      { index: 1, message: 'duplicate: this id already has a label' },
      { index: 2, message: 'expired: the prediction with this id is older than label_ttl_seconds' },
      { index: 3, message: '"id" must be a non-empty string or a number (the id of the prediction)' },
    ]);
    const store = labels().store;
    expect(store.unmatched[DUPLICATE]).toBe(1);
    expect(store.unmatched[EXPIRED]).toBe(1);
    expect(store.unmatched[INVALID]).toBe(5);
    expect(labels().received).toBe(9);
    // Every label refused: 400, the item errors say why.
    const bad = await post('/v1/models/shop/labels', '{"id":"x"}\n{oops\n', 'application/x-ndjson');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { line: number; message: string }[] }).errors.map((e) => e.line)).toEqual([1, 2]);
    expect(store.unmatched[INVALID]).toBe(7);
    expect(labels().received).toBe(11);
    now += 61_000;
    fleet.computeAllDrift(now);
    expect(store.unmatched[UNKNOWN_ID]).toBe(1);
  });

  it('refuses a body that is not JSON, counted like the predictions endpoint does', async () => {
    const res = await post('/v1/models/shop/labels', '[{"id":', 'application/json');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_json' });
    const type = await post('/v1/models/shop/labels', 'x', 'text/plain');
    expect(type.status).toBe(415);
  });

  it('exports the join counters, the lag and the realised performance', async () => {
    await post('/v1/models/shop/predictions', JSON.stringify([event('a', 0.9), event('b', 0.2), event('c', 0.7)]));
    now += 2_000;
    await post('/v1/models/shop/labels', JSON.stringify([{ id: 'a', label: 'yes' }, { id: 'b', label: 'yes' }, { id: 'c', label: 'no' }, { id: 'z', label: 'no' }]));
    const text = await new MetricsRegistry(createCollectors(fleet), pino({ level: 'silent' }), { processMetrics: false }).render();
    expect(text).toContain('mlwatch_labels_received_total{model="shop"} 4');
    expect(text).toContain('mlwatch_labels_joined_total{model="shop"} 3');
    expect(text).toContain('mlwatch_predictions_with_id_total{model="shop"} 3');
    expect(text).toContain('mlwatch_label_store_pending{model="shop",kind="label"} 1');
    expect(text).toContain('mlwatch_label_lag_seconds_bucket{model="shop",le="5.0"} 3');
    expect(text).toContain('mlwatch_confusion_total{model="shop",actual="yes",predicted="no"} 1');
    expect(text).toContain('mlwatch_performance{model="shop",metric="accuracy"} 0.3333333333333333');
    expect(text).toContain('mlwatch_performance{model="shop",metric="roc_auc"} 0.5');
  });

  it('never crashes and accounts for every item of a random body', async () => {
    const id = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.constant(null), fc.boolean());
    const label = fc.oneof(fc.constantFrom('yes', 'no', 'maybe', '__other__'), fc.integer({ min: -1, max: 2 }), fc.boolean(), fc.double(), fc.constant(null));
    const item = fc.oneof(
      fc.record({ id, label, timestamp: fc.option(fc.oneof(fc.double(), fc.string({ maxLength: 25 }), fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString()))), { nil: undefined }) }, { requiredKeys: [] }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 30 }), fc.boolean(), async (items, ndjson) => {
        const received = labels().received;
        const unmatched = labels().store.unmatched.reduce((a, b) => a + b, 0);
        const body = ndjson ? items.map((i) => JSON.stringify(i) ?? 'null').join('\n') : JSON.stringify(items);
        const res = await post('/v1/models/shop/labels', body, ndjson ? 'application/x-ndjson' : 'application/json');
        expect([200, 400]).toContain(res.status);
        const answer = (await res.json()) as { accepted: number; joined: number; pending: number; rejected: number };
        expect(answer.accepted + answer.rejected).toBe(items.length);
        expect(answer.joined + answer.pending).toBe(answer.accepted);
        expect(labels().received - received).toBe(items.length);
        // Within one request nothing expires or is evicted: every refusal is counted at once.
        expect(labels().store.unmatched.reduce((a, b) => a + b, 0) - unmatched).toBe(answer.rejected);
      }),
      { numRuns: 150 },
    );
  });
});
