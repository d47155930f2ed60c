// Two real `mlwatch serve` processes sharing one real redis-server (label_store: redis), as two
// replicas behind one Service: a prediction seen by A and its label sent to B join exactly
// once across the fleet (the sum of both scrapes), in either order, and a second label is one
// duplicate. Then Redis is killed: predictions are still accepted and monitored, labels are
// answered 503 with a clear error, mlwatch_label_store_errors_total rises, both processes stay
// up; Redis comes back on the same port and joins work again. The URL holds a password that
// must never appear in a log line.
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelFixture, eventGenerator, type ModelFixture } from '../support/model-fixture.js';
import { requireBinary } from '../support/prometheus.js';
import { redisGate, startRedis, until, type RedisServer } from '../support/redis-server.js';
import { startServe, sumOf, type ServeProcess } from '../support/serve-cli.js';

requireBinary(redisGate, it);

const PASSWORD = 'fleet-s3cret';
const LISTEN = ['--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'];
const events = eventGenerator(7);

interface Answer {
  status: number;
  body: { accepted: number; joined: number; pending: number; rejected: number; errors: { index: number; message: string }[] };
}

/** A JSON array of `items`, or NDJSON when `items` is a string (lines as written). */
async function post(server: ServeProcess, endpoint: 'predictions' | 'labels', items: unknown[] | string): Promise<Answer> {
  const ndjson = typeof items === 'string';
  const response = await fetch(`http://${server.ingest}/v1/models/shop/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
    body: ndjson ? items : JSON.stringify(items),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const predictions = (ids: string[]): unknown[] => events.undrifted(ids.length).map((e, i) => ({ ...e, id: ids[i] }));

/** One sample's value by its exact series text; 0 when absent. */
function sampleValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function scrape(server: ServeProcess): Promise<string> {
  return (await fetch(`http://${server.metrics}/metrics`)).text();
}

async function fleetSum(servers: ServeProcess[], metric: string): Promise<number> {
  const texts = await Promise.all(servers.map(scrape));
  return texts.reduce((n, text) => n + sumOf(text, metric), 0);
}

describe.skipIf(!redisGate.available)('two mlwatch processes joining labels through one redis-server', () => {
  let fixture: ModelFixture;
  let redis: RedisServer;
  let a: ServeProcess;
  let b: ServeProcess;

  beforeAll(async () => {
    redis = await startRedis(PASSWORD);
    fixture = await createModelFixture();
    const yaml = (await readFile(fixture.configPath, 'utf8')).replace('level: silent', 'level: info');
    await writeFile(fixture.configPath, `${yaml}label_store:\n  backend: redis\n  url: "${redis.url}"\n  key_prefix: "itest:"\n`);
    [a, b] = await Promise.all([startServe(['--config', fixture.configPath, ...LISTEN]), startServe(['--config', fixture.configPath, ...LISTEN])]);
    await Promise.all([a.waitForOutput('label store (Redis) connected'), b.waitForOutput('label store (Redis) connected')]);
  }, 60_000);

  afterAll(async () => {
    for (const s of [a, b]) {
      if (s === undefined) continue;
      s.child.kill('SIGTERM');
      await s.exit;
    }
    await redis?.stop();
    await fixture?.cleanup();
  });

  it('a prediction through A, its label through B: joined once in the fleet; the label-first order too; a duplicate counted once', async () => {
    expect((await post(a, 'predictions', predictions(['p-1', 'p-2']))).status).toBe(200);
    // The prediction reaches Redis within the flush interval (20 ms); give it a little more.
    await until(async () => sumOf(await scrape(a), 'mlwatch_label_store_pending') >= 2, 5_000, 'the sweep to see 2 pending predictions');
    const joined = await post(b, 'labels', [{ id: 'p-1', label: 'yes' }]);
    expect(joined).toEqual({ status: 200, body: { accepted: 1, joined: 1, pending: 0, rejected: 0, errors: [] } });

    // The label first, through B; its prediction through A.
    expect((await post(b, 'labels', [{ id: 'q-1', label: 'no' }])).body).toMatchObject({ accepted: 1, joined: 0, pending: 1 });
    expect((await post(a, 'predictions', predictions(['q-1']))).status).toBe(200);
    await until(async () => (await fleetSum([a, b], 'mlwatch_labels_joined_total')) === 2, 5_000, 'the label-first join');

    // A second label for p-1, through A this time: a duplicate, counted once.
    const duplicate = await post(a, 'labels', [{ id: 'p-1', label: 'no' }]);
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.errors).toEqual([{ index: 0, message: 'duplicate: this id already has a label' }]);

    const [textA, textB] = await Promise.all([scrape(a), scrape(b)]);
    expect(sumOf(textA, 'mlwatch_labels_joined_total') + sumOf(textB, 'mlwatch_labels_joined_total')).toBe(2);
    // Each join in exactly one replica: B completed the first, A the label-first one.
    expect([sumOf(textA, 'mlwatch_labels_joined_total'), sumOf(textB, 'mlwatch_labels_joined_total')]).toEqual([1, 1]);
    const duplicates = 'mlwatch_labels_unmatched_total{model="shop",reason="duplicate"}';
    expect(sampleValue(textA, duplicates) + sampleValue(textB, duplicates)).toBe(1);
    // The joins reached realised performance: two confusion-matrix entries in the fleet.
    expect(sumOf(textA, 'mlwatch_confusion_total') + sumOf(textB, 'mlwatch_confusion_total')).toBe(2);
    expect(sumOf(textA, 'mlwatch_predictions_with_id_total') + sumOf(textB, 'mlwatch_predictions_with_id_total')).toBe(3);
    expect(sumOf(textA, 'mlwatch_label_store_errors_total') + sumOf(textB, 'mlwatch_label_store_errors_total')).toBe(0);
  }, 30_000);

  it('Redis down: predictions monitored, labels refused with 503 and counted; Redis back: joins again', async () => {
    const before = await fleetSum([a], 'mlwatch_predictions_total');
    await redis.kill();
    await Promise.all([a.waitForOutput('label store (Redis) unreachable'), b.waitForOutput('label store (Redis) unreachable')]);

    const accepted = await post(a, 'predictions', predictions(['d-1', 'd-2', 'd-3']));
    expect(accepted.status).toBe(200);
    expect(accepted.body.accepted).toBe(3);
    expect(await fleetSum([a], 'mlwatch_predictions_total')).toBe(before + 3);

    const refused = await post(b, 'labels', [{ id: 'd-1', label: 'yes' }, { id: 'x', label: 'maybe' }]);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ accepted: 0, rejected: 2 });
    expect(refused.body.errors[0]).toEqual({ index: 0, message: 'label store unavailable: Redis did not answer; send the label again later' });
    expect(refused.body.errors[1].index).toBe(1);
    expect(sampleValue(await scrape(b), 'mlwatch_label_store_errors_total{model="shop",operation="join"}')).toBe(1);
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();

    await redis.restart();
    await Promise.all([a.waitForOutput('label store (Redis) reachable again', 15_000), b.waitForOutput('label store (Redis) reachable again', 15_000)]);
    // The predictions made while Redis was away waited in A's outbox: their labels join now.
    await until(async () => sumOf(await scrape(a), 'mlwatch_label_store_pending') >= 3, 5_000, 'the outbox to drain into Redis');
    // NDJSON: the first line is read from its bytes, the second (an escape in its id) parsed; both queue for one pipeline, in order.
    const back = await post(b, 'labels', '{"id":"d-1","label":"yes"}\n{"id":"d\\u002d2","label":"no"}\n');
    expect(back).toEqual({ status: 200, body: { accepted: 2, joined: 2, pending: 0, rejected: 0, errors: [] } });
    expect(await fleetSum([a, b], 'mlwatch_labels_joined_total')).toBe(4);

    for (const s of [a, b]) {
      expect(s.output()).toContain(`"label_store":"redis://:***@127.0.0.1:${redis.port}"`);
      expect(s.output()).not.toContain(PASSWORD);
      expect(s.output()).not.toMatch(/unhandled/i);
    }
  }, 60_000);
});
