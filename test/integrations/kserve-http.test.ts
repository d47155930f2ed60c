// KServe's inference logger and Open Inference Protocol pairs over real HTTP on loopback,
// replaying the recorded-shape fixtures of test/fixtures/kserve/ (sources in its README):
// requests pair with their responses by ce-id in either order, rows become events with the
// id, latency, version and variant the payload gave, unreadable payloads are counted by
// reason, and a request whose response never comes is recorded without a prediction.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config, ModelConfig } from '../../src/config/types.js';
import { Q_MISSING, Q_VALUES } from '../../src/monitor/layout.js';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import { sleep } from '../support/binary-process.js';
import { categoricalSketch, numericSketch, seededRandom, syntheticReference, testConfig, testModel, testReference } from '../support/synthetic-reference.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'kserve');
interface Recorded {
  headers: Record<string, string>;
  body?: unknown;
  bodyBase64?: string;
}
function fixture(name: string): Recorded[] {
  return (JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { events: Recorded[] }).events;
}

const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const IRIS_CLASSES = ['setosa', 'versicolor', 'virginica'];

function irisModel(name: string, inferenceService: string, mode: 'all' | 'request' = 'all'): ModelConfig {
  return testModel({
    name,
    task: 'multiclass_classification',
    classes: IRIS_CLASSES,
    features: IRIS_FEATURES.map((f) => ({ name: f, type: 'numeric', nullable: false })),
    prediction: { decision_threshold: 0.5 },
    kserve: { inference_service: inferenceService, logger_mode: mode, columns: IRIS_FEATURES, prediction: 'auto' },
  });
}

function irisReference(model: ModelConfig) {
  const random = seededRandom(3);
  const column = () => numericSketch(Array.from({ length: 300 }, () => 1 + random() * 6));
  return syntheticReference(
    model,
    Object.fromEntries(IRIS_FEATURES.map((f) => [f, column()])),
    categoricalSketch(Array.from({ length: 300 }, (_, i) => IRIS_CLASSES[i % 3])),
  );
}

const TOKENLESS = 'MLWATCH_TEST_KSERVE_TOKEN_UNSET';
let sidecar: Sidecar;
let config: Config;

beforeAll(async () => {
  const shop = testModel({ kserve: { inference_service: 'shop', logger_mode: 'all', columns: ['price', 'country', 'returning'], output: 'predict_proba', prediction: 'auto' } });
  // No kserve.output: the first output is the prediction.
  const pairs = testModel({ name: 'shop-pairs', kserve: { inference_service: 'shop-pairs', logger_mode: 'all', prediction: 'auto' } });
  const models = [irisModel('iris', 'sklearn-iris'), irisModel('iris-v2', 'sklearn-v2-iris'), shop, irisModel('iris-requests', 'iris-requests', 'request'), pairs];
  config = testConfig(models);
  config.kserve = { pairing_ttl_seconds: 2, max_pending: 4, max_pending_bytes: 1024 * 1024 };
  const references = new Map(models.map((m) => [m.name, m.name.startsWith('shop') ? testReference(m) : irisReference(m)]));
  vi.spyOn(await import('../../src/reference/io.js'), 'loadReference').mockImplementation(async (path: string) => {
    const model = models.find((m) => m.reference === path);
    return references.get(model?.name ?? '') as ReturnType<typeof testReference>;
  });
  models.forEach((m) => (m.reference = `/fixture/${m.name}.json`));
  sidecar = await startSidecar(config, { processMetrics: false, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await sidecar?.close();
});

function model(name: string) {
  const m = sidecar.fleet.byName.get(name);
  if (m === undefined) throw new Error(name);
  return m;
}

async function send(event: Recorded, path = '/v1/cloudevents', extra: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = event.bodyBase64 !== undefined ? Buffer.from(event.bodyBase64, 'base64') : JSON.stringify(event.body);
  const response = await fetch(`${sidecar.ingestUrl}${path}`, { method: 'POST', headers: { ...event.headers, ...extra }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function recorded(name: string) {
  return vi.spyOn(model(name).monitor, 'record');
}

/** Let go of every half still waiting from earlier tests. */
function flushPending(): void {
  sidecar.inference.pending.expire(Date.now() + 3_600_000);
}

async function scrape(): Promise<string> {
  return (await fetch(`${sidecar.metricsUrl}/metrics`)).text();
}

/** Events a model accepted, over every version. */
function acceptedOf(state: { model: { versionCount(v: number): number }; versions: { capacity: number } }): number {
  let total = 0;
  for (let v = 0; v <= state.versions.capacity; v++) total += state.model.versionCount(v);
  return total;
}

describe('KServe inference logger CloudEvents', () => {
  it('pairs a v1 request with its response: list rows by kserve.columns, class indices, latency from ce-time', async () => {
    const [request, response] = fixture('v1-iris.json');
    const spy = recorded('iris');
    expect(await send(request)).toEqual({ status: 200, body: { accepted: 0, rejected: 0, pending: 2, errors: [] } });
    expect(spy).not.toHaveBeenCalled();
    expect(await send(response)).toEqual({ status: 200, body: { accepted: 2, rejected: 0, pending: 0, errors: [] } });
    const events = spy.mock.calls.map((c) => c[0]);
    spy.mockRestore();
    const id = '0009174a-24a8-4603-b098-09c8799950e9';
    // 26.080736102 s − 26.0789529 s, both from the fixture's ce-time.
    const latency = 80.736102 - 78.9529;
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      id: `${id}:0`,
      features: { sepal_length: 6.8, sepal_width: 2.8, petal_length: 4.8, petal_width: 1.4 },
      prediction: { label: 'versicolor' },
      timestamp: '2021-04-10T00:23:26.0789529Z',
    });
    expect((events[0] as { latency_ms: number }).latency_ms).toBeCloseTo(latency, 5); // ms since the epoch carry ~1e-7 ms of float error
    expect(events[1]).toMatchObject({ id: `${id}:1`, features: { sepal_length: 6.0, petal_width: 1.6 } });
    // ce-endpoint is empty without a canary: no variant.
    expect(events[0]).not.toHaveProperty('variant');
    const cell = model('iris').monitor.state.model;
    expect(cell.versionCount(0)).toBe(2);
    expect(cell.classCount(1)).toBe(2);
    expect(cell.latencyCount).toBe(2);
    expect(cell.latencySum).toBeCloseTo((2 * latency) / 1000, 8);
  });

  it('pairs v2 bodies (one 2-D tensor) and takes model_version from the response', async () => {
    const [request, response] = fixture('v2-iris.json');
    const spy = recorded('iris-v2');
    await send(request);
    expect((await send(response)).body).toMatchObject({ accepted: 2, rejected: 0 });
    const events = spy.mock.calls.map((c) => c[0]);
    spy.mockRestore();
    expect(events.map((e) => (e as { prediction: unknown }).prediction)).toEqual([{ label: 'versicolor' }, { label: 'virginica' }]);
    expect(events[0]).toMatchObject({ id: '5f0c9e3e-7b7c-4bb9-9a8f-3c1e2f7b9d01:0', model_version: 'v3', latency_ms: 12 });
    const m = model('iris-v2').monitor;
    expect(m.state.model.versionCount(m.versions.indexOf('v3'))).toBe(2);
  });

  it('pairs a response that comes first (MLServer "pd" columns, a canary endpoint as the variant)', async () => {
    const [response, request] = fixture('v2-pandas-canary.json');
    const spy = recorded('shop');
    expect((await send(response)).body).toEqual({ accepted: 0, rejected: 0, pending: 0, errors: [] });
    expect((await send(request)).body).toEqual({ accepted: 3, rejected: 0, pending: 0, errors: [] });
    const events = spy.mock.calls.map((c) => c[0]);
    spy.mockRestore();
    expect(events).toEqual([0, 1, 2].map((i) => ({
      id: `2b4d8f10-3c6a-4e57-8d9b-0a1b2c3d4e5f:${i}`,
      features: [{ price: 101.5, country: 'DE', returning: true }, { price: 97.25, country: 'FR', returning: false }, { price: 130.0, country: 'US', returning: true }][i],
      prediction: { scores: [[0.8, 0.2], [0.7, 0.3], [0.1, 0.9]][i] },
      latency_ms: 40,
      model_version: '1.1.0',
      variant: 'canary',
      timestamp: '2026-11-20T10:00:01.000Z',
    })));
    const cell = model('shop').monitor.state.model;
    // The positive-class scores are the predictions: two below the 0.5 threshold, one above.
    expect([0, 1, 2].map((c) => cell.classCount(c))).toEqual([2, 1, 0]);
  });

  it('counts binary tensor bodies as unsupported and never reads them', async () => {
    const before = acceptedOf(model('shop').monitor.state);
    for (const event of fixture('binary-tensor.json')) {
      const answer = await send(event);
      expect(answer.status).toBe(415);
      expect(answer.body.error).toBe('binary_tensor');
    }
    expect(acceptedOf(model('shop').monitor.state)).toBe(before);
    expect(await scrape()).toContain('mlwatch_inference_payloads_rejected_total{model="shop",reason="binary_tensor"} 2');
  });

  it('answers 404 for an InferenceService no model maps to, counted under __other__', async () => {
    const [request] = fixture('v1-iris.json');
    const answer = await send({ ...request, headers: { ...request.headers, 'ce-inferenceservicename': 'nobody' } });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toBe('unknown_model');
    // The ingest pipeline answers it like any unknown model, before reading the body.
    expect(await scrape()).toContain('mlwatch_events_rejected_total{model="__other__",reason="unknown_model"} 1');
  });

  it('takes the model from the path on /v1/models/{model}/cloudevents, whatever the InferenceService', async () => {
    const [request, response] = fixture('v1-iris.json');
    const rename = (e: Recorded): Recorded => ({ ...e, headers: { ...e.headers, 'ce-id': 'by-path', 'ce-inferenceservicename': 'other-name' } });
    await send(rename(request), '/v1/models/iris/cloudevents');
    expect((await send(rename(response), '/v1/models/iris/cloudevents')).body).toMatchObject({ accepted: 2 });
  });

  it('refuses events without CloudEvent headers, bodies that are not JSON and bodies of the wrong side', async () => {
    const [request, response] = fixture('v1-iris.json');
    const noType = { ...request, headers: Object.fromEntries(Object.entries(request.headers).filter(([k]) => k !== 'ce-type')) };
    expect((await send(noType)).body.error).toBe('invalid_cloudevent');
    const broken = await fetch(`${sidecar.ingestUrl}/v1/cloudevents`, { method: 'POST', headers: { ...request.headers, 'ce-id': 'broken' }, body: '{"instances": [' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: string }).error).toBe('invalid_json');
    // A response body sent as a request.
    const swapped = await send({ ...response, headers: { ...request.headers, 'ce-id': 'swapped' } });
    expect(swapped.body.error).toBe('invalid_payload');
    const text = await scrape();
    // ce-inferenceservicename named the model: the bad event is charged to it.
    expect(text).toContain('mlwatch_inference_payloads_rejected_total{model="iris",reason="invalid_cloudevent"} 1');
    expect(text).toContain('mlwatch_inference_payloads_rejected_total{model="iris",reason="invalid_json"} 1');
    expect(text).toContain('mlwatch_inference_payloads_rejected_total{model="iris",reason="invalid_payload"} 1');
  });

  it('records a request whose response never comes, without a prediction, once the TTL passes', async () => {
    flushPending();
    const [request] = fixture('v1-iris.json');
    const { state, layout } = model('iris').monitor;
    const before = state.model.versionCount(0);
    const missingBefore = state.model.qualityCount(layout.prediction, Q_MISSING);
    await send({ ...request, headers: { ...request.headers, 'ce-id': 'lonely' } });
    expect(await scrape()).toContain('mlwatch_kserve_pending{model="iris"} 1');
    await sleep(3500); // TTL 2 s, swept every second
    expect(state.model.versionCount(0)).toBe(before + 2);
    expect(state.model.qualityCount(layout.prediction, Q_MISSING)).toBe(missingBefore + 2);
    const text = await scrape();
    expect(text).toContain('mlwatch_kserve_unpaired_total{model="iris",type="request",reason="ttl"} 1');
    expect(text).toContain('mlwatch_kserve_pending{model="iris"} 0');
    expect(text).toContain('mlwatch_kserve_pending_bytes 0');
  }, 20_000);

  it('lets the oldest half go when kserve.max_pending is reached, recorded and counted', async () => {
    flushPending();
    const [request] = fixture('v1-iris.json');
    const { state, layout } = model('iris').monitor;
    const values = () => state.model.qualityCount(layout.slots[0], Q_VALUES);
    const before = values();
    for (let i = 0; i < 5; i++) await send({ ...request, headers: { ...request.headers, 'ce-id': `crowd-${i}` } });
    // max_pending 4: the fifth lets crowd-0 go.
    expect(values()).toBe(before + 2);
    expect(await scrape()).toContain('mlwatch_kserve_unpaired_total{model="iris",type="request",reason="capacity"} 1');
    expect(sidecar.inference.pending.size).toBe(4);
    sidecar.inference.pending.expire(Date.now() + 10_000);
    expect(values()).toBe(before + 10);
  });

  it('records requests at once for logger mode request, and ignores responses', async () => {
    const [request, response] = fixture('v1-iris.json');
    const as = (e: Recorded): Recorded => ({ ...e, headers: { ...e.headers, 'ce-inferenceservicename': 'iris-requests' } });
    expect((await send(as(request))).body).toEqual({ accepted: 2, rejected: 0, pending: 0, errors: [] });
    expect((await send(as(response))).body).toEqual({ accepted: 0, rejected: 0, pending: 0, errors: [] });
    expect(model('iris-requests').monitor.state.model.versionCount(0)).toBe(2);
  });

  it('requires the ingest bearer token when one is configured (KServe cannot send one: see docs/kubernetes.md)', async () => {
    process.env[TOKENLESS] = 'sesame';
    const { integrationRoutes } = await import('../../src/integrations/http.js');
    const { INGEST_ROUTES } = await import('../../src/ingest/handler.js');
    const { createIngestServer } = await import('../../src/ingest/server.js');
    // The ingest server as the sidecar makes it, with the integrations' routes, but a token configured.
    const guarded = { ...config, ingest: { ...config.ingest, auth_token_env: TOKENLESS } };
    const server = createIngestServer(sidecar.fleet, guarded, pino({ level: 'silent' }), { routes: [...INGEST_ROUTES, ...integrationRoutes(sidecar.inference)] });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const [request] = fixture('v1-iris.json');
    const post = (auth?: string) =>
      fetch(`http://127.0.0.1:${port}/v1/cloudevents`, { method: 'POST', headers: { ...request.headers, ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(request.body) });
    expect((await post()).status).toBe(401);
    expect((await post('Bearer sesame')).status).toBe(200);
    delete process.env[TOKENLESS];
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('POST /v1/models/{model}/inferences (Open Inference Protocol pairs)', () => {
  it('records each pair and reports a bad one by its index', async () => {
    const { pairs } = JSON.parse(readFileSync(join(FIXTURES, 'oip-pairs.json'), 'utf8')) as { pairs: unknown[] };
    const spy = recorded('shop-pairs');
    const response = await fetch(`${sidecar.ingestUrl}/v1/models/shop-pairs/inferences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pairs) });
    const events = spy.mock.calls.map((c) => c[0]);
    spy.mockRestore();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      accepted: 2,
      rejected: 1,
      pending: 0,
      errors: [{ index: 1, message: 'shape_mismatch: input 0 ("price"): shape [3] holds 3 values, but "data" holds 2' }],
    });
    expect(events).toEqual([
      { id: 'p1:0', features: { price: 99, country: 'DE', returning: false }, prediction: 0.25, latency_ms: 4.5 },
      { id: 'p1:1', features: { price: 105, country: 'US', returning: true }, prediction: 0.75, latency_ms: 4.5 },
    ]);
  });

  it('takes NDJSON, one pair per line', async () => {
    const pair = { request: { inputs: [{ name: 'price', shape: [1], datatype: 'FP64', data: [1] }] }, response: { outputs: [{ name: 'proba', shape: [1, 2], datatype: 'FP64', data: [0.4, 0.6] }] } };
    const response = await fetch(`${sidecar.ingestUrl}/v1/models/shop-pairs/inferences`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify(pair)}\n{oops\n${JSON.stringify(pair)}\n`,
    });
    expect(await response.json()).toMatchObject({ accepted: 2, rejected: 1, errors: [{ index: 1 }] });
  });
});
