// Reload without restart, on the built binary: SIGHUP with the same config keeps every
// counter and window; POST /-/reload (--web.enable-lifecycle) with one model's reference
// changed, one model removed and one added: the changed model's counters continue with a
// fresh drift window, the removed model's series are gone, the new one serves; a broken
// config or a missing reference is refused while the running one keeps serving; without the
// flag POST /-/reload answers 403, GET 405.
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import { buildReference } from '../../src/reference/build.js';
import { writeReference } from '../../src/reference/io.js';
import { MODEL, REFERENCE_CREATED_AT, createModelFixture, eventGenerator, postInBatches, postJson, postNdjson, trainingCsv, type ModelFixture } from '../support/model-fixture.js';
import { expectLintClean } from '../support/promtool.js';
import { startServe, sumOf, type ServeProcess } from '../support/serve-cli.js';

let fixture: ModelFixture;
let modelsBlock = '';
let head = '';
const LISTEN = ['--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'];

/** The fixture's config with the models named (each a copy of "shop" under another name), each with its reference file. */
function configText(models: { name: string; reference: string }[]): string {
  return `${head}models:\n${models.map((m) => modelsBlock.replace(`name: ${MODEL}`, `name: ${m.name}`).replace('reference: reference.json', `reference: ${m.reference}`)).join('')}`;
}

/** A reference for the model "name" built from a training set drawn with `seed`. */
async function referenceFor(name: string, file: string, seed: number): Promise<void> {
  const configPath = join(fixture.dir, `ref-${name}-${seed}.yaml`);
  const dataPath = join(fixture.dir, `train-${seed}.csv`);
  await writeFile(configPath, configText([{ name, reference: file }]));
  await writeFile(dataPath, trainingCsv(5000, seed));
  const model = (await loadConfig(configPath)).models[0];
  await writeReference(model.reference, await buildReference({ model, dataPath, now: new Date(REFERENCE_CREATED_AT) }));
}

beforeAll(async () => {
  fixture = await createModelFixture({ drift: { compute_interval_seconds: 1, min_samples: 50 } });
  const text = (await readFile(fixture.configPath, 'utf8')).replace('level: silent', 'level: info');
  const at = text.indexOf('models:\n');
  head = text.slice(0, at);
  modelsBlock = text.slice(at + 'models:\n'.length);
  await Promise.all([
    referenceFor('cart', 'cart.json', 7),
    referenceFor('till', 'till.json', 8),
    referenceFor(MODEL, 'shop-v2.json', 9),
  ]);
}, 60_000);
afterAll(() => fixture.cleanup());

async function scrape(served: ServeProcess): Promise<string> {
  return (await fetch(`http://${served.metrics}/metrics`)).text();
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const PER_PROCESS = /^mlwatch_(checkpoint|event_loop|scrape|process|nodejs|config|reference)_/;

/** Counter-like samples (counters, histogram buckets and counts) of the monitored state, by series. */
function stateCounters(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('mlwatch_') || PER_PROCESS.test(line)) continue;
    const series = line.slice(0, line.lastIndexOf(' '));
    const name = series.split('{')[0];
    if (name.endsWith('_total') || name.endsWith('_bucket') || name.endsWith('_count')) out.set(series, Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

async function reloadOverHttp(served: ServeProcess): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://${served.metrics}/-/reload`, { method: 'POST' });
  return { status: response.status, body: await response.text() };
}

/** Waits until a drift computation after now has run (compute_interval_seconds is 1). */
async function afterDriftCompute(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1500));
}

function count(output: string, text: string): number {
  return output.split('\n').filter((l) => l.includes(text)).length;
}

describe('reload without restart (the built binary)', () => {
  it('SIGHUP keeps an unchanged config\'s state; POST /-/reload moves state across a changed reference, an added and a removed model; a broken config is refused', async () => {
    const configPath = join(fixture.dir, 'reload.yaml');
    await writeFile(configPath, configText([{ name: MODEL, reference: 'reference.json' }, { name: 'cart', reference: 'cart.json' }]));
    const served = await startServe(['--config', configPath, ...LISTEN, '--web.enable-lifecycle']);
    try {
      const ingest = `http://${served.ingest}`;
      const events = eventGenerator(1);
      await postInBatches(ingest, events.undrifted(300));
      const cartAnswer = await postJson(ingest, events.undrifted(200), 'cart');
      expect(cartAnswer.accepted).toBe(200);
      await afterDriftCompute();
      const before = await scrape(served);
      expect(value(before, 'mlwatch_config_last_reload_successful')).toBe(1);
      const shopChecksum = /mlwatch_reference_info\{model="shop",checksum="([0-9a-f]{12})"\} 1/.exec(before)?.[1];
      expect(shopChecksum).toBeDefined();
      const shopLoadedAt = value(before, 'mlwatch_reference_loaded_timestamp_seconds{model="shop"}');

      // SIGHUP, config unchanged: every counter, window and drift result as it was.
      served.child.kill('SIGHUP');
      await served.waitForOutput('"config reloaded"');
      const same = await scrape(served);
      expect(stateCounters(same)).toEqual(stateCounters(before));
      expect(value(same, 'mlwatch_prediction_drift_window_samples{model="shop"}')).toBe(300);
      expect(value(same, 'mlwatch_reference_loaded_timestamp_seconds{model="shop"}')).toBe(shopLoadedAt);
      // …and they continue.
      await postInBatches(ingest, events.undrifted(100));
      expect(sumOf(await scrape(served), 'mlwatch_predictions_total')).toBe(600);

      // shop's reference changes, cart goes, till comes.
      await writeFile(configPath, configText([{ name: MODEL, reference: 'shop-v2.json' }, { name: 'till', reference: 'till.json' }]));
      const reloaded = await reloadOverHttp(served);
      expect(reloaded).toEqual({ status: 200, body: 'reloaded\n' });
      await afterDriftCompute();
      const after = await scrape(served);
      expect(value(after, 'mlwatch_predictions_total{model="shop",version="1.0.0"}')).toBe(400);
      const beforeCounters = stateCounters(before);
      // Quality counters of shop continue (bins start anew where the new reference's edges differ).
      const quality = [...beforeCounters].filter(([series]) => series.startsWith('mlwatch_feature_values_total{model="shop"'));
      expect(quality.length).toBeGreaterThan(0);
      for (const [series, was] of quality) expect(value(after, series), series).toBe(was + 100);
      // A fresh window: nothing since the reload.
      expect(value(after, 'mlwatch_prediction_drift_window_samples{model="shop"}') ?? 0).toBe(0);
      const newChecksum = /mlwatch_reference_info\{model="shop",checksum="([0-9a-f]{12})"\} 1/.exec(after)?.[1];
      expect(newChecksum).toBeDefined();
      expect(newChecksum).not.toBe(shopChecksum);
      expect(value(after, 'mlwatch_reference_loaded_timestamp_seconds{model="shop"}')).toBeGreaterThan(shopLoadedAt as number);
      expect(after).not.toContain('model="cart"');
      expect(after).toContain('mlwatch_model_info{model="till"');
      expect((await postJson(ingest, events.undrifted(50), 'till')).accepted).toBe(50);
      expect((await postJson(ingest, events.undrifted(1), 'cart')).status).toBe(404);
      await expectLintClean(after);

      // A config that does not parse, then a reference that does not exist: refused, the running config serves on.
      await writeFile(configPath, 'models: [ {\n');
      const broken = await reloadOverHttp(served);
      expect(broken.status).toBe(500);
      expect(broken.body).toContain('failed to reload config');
      await writeFile(configPath, configText([{ name: MODEL, reference: 'missing.json' }]));
      const missing = await reloadOverHttp(served);
      expect(missing.status).toBe(500);
      expect(missing.body).toContain('missing.json');
      const refused = await scrape(served);
      expect(value(refused, 'mlwatch_config_last_reload_successful')).toBe(0);
      expect(refused).toContain('mlwatch_model_info{model="till"');
      expect((await postJson(ingest, events.undrifted(10), 'till')).accepted).toBe(10);
      expect(count(served.output(), '"reload refused; the running config keeps serving"')).toBeGreaterThanOrEqual(2);
      served.child.kill('SIGTERM');
      expect(await served.exit).toBe(0);
    } finally {
      served.child.kill('SIGKILL');
    }
  }, 60_000);

  it('reloads under load lose no acknowledged event and count none twice (SIGHUPs, and a reference change)', async () => {
    const configPath = join(fixture.dir, 'under-load.yaml');
    await writeFile(configPath, configText([{ name: MODEL, reference: 'reference.json' }]));
    const served = await startServe(['--config', configPath, ...LISTEN, '--web.enable-lifecycle']);
    try {
      const lines = eventGenerator(3).undrifted(50).map((e) => JSON.stringify(e));
      let acknowledged = 0;
      let stopped = false;
      const clients = Array.from({ length: 4 }, async () => {
        while (!stopped) {
          const answer = await postNdjson(`http://${served.ingest}`, lines);
          expect(answer.status).toBe(200);
          acknowledged += answer.accepted;
        }
      });
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 150));
        served.child.kill('SIGHUP');
      }
      await new Promise((r) => setTimeout(r, 150));
      await writeFile(configPath, configText([{ name: MODEL, reference: 'shop-v2.json' }]));
      expect((await reloadOverHttp(served)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      stopped = true;
      await Promise.all(clients);
      await served.waitForOutput('"config reloaded"');
      const text = await scrape(served);
      const reloads = count(served.output(), '"config reloaded"');
      console.log(`under load: ${acknowledged} events acknowledged across ${reloads} reloads`);
      expect(reloads).toBeGreaterThanOrEqual(2);
      expect(acknowledged).toBeGreaterThan(0);
      expect(sumOf(text, 'mlwatch_predictions_total')).toBe(acknowledged);
      served.child.kill('SIGTERM');
      expect(await served.exit).toBe(0);
    } finally {
      served.child.kill('SIGKILL');
    }
  }, 60_000);

  it('a request half sent when the reload starts is recorded before the state moves (the reload waits for it)', async () => {
    const configPath = join(fixture.dir, 'half-sent.yaml');
    await writeFile(configPath, configText([{ name: MODEL, reference: 'reference.json' }]));
    const served = await startServe(['--config', configPath, ...LISTEN]);
    try {
      const lines = eventGenerator(4).undrifted(40).map((e) => `${JSON.stringify(e)}\n`);
      const [host, port] = [served.ingest.slice(0, served.ingest.lastIndexOf(':')), Number(served.ingest.slice(served.ingest.lastIndexOf(':') + 1))];
      let reloadedWhileInFlight = -1;
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host, port, method: 'POST', path: `/v1/models/${MODEL}/predictions`, headers: { 'content-type': 'application/x-ndjson' } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.write(lines.slice(0, 20).join(''));
        setTimeout(() => {
          served.child.kill('SIGHUP');
          // The reload is held by the request in flight: it has not moved the state yet.
          setTimeout(() => {
            reloadedWhileInFlight = count(served.output(), '"config reloaded"');
            req.end(lines.slice(20).join(''));
          }, 400);
        }, 100);
      });
      const { status, body } = await answer;
      expect(reloadedWhileInFlight).toBe(0);
      expect(status).toBe(200);
      expect(JSON.parse(body)).toMatchObject({ accepted: 40, rejected: 0 });
      await served.waitForOutput('"config reloaded"');
      expect(sumOf(await scrape(served), 'mlwatch_predictions_total')).toBe(40);
      served.child.kill('SIGTERM');
      expect(await served.exit).toBe(0);
    } finally {
      served.child.kill('SIGKILL');
    }
  }, 30_000);

  it('without --web.enable-lifecycle POST /-/reload answers 403 naming the flag; GET answers 405', async () => {
    const configPath = join(fixture.dir, 'no-lifecycle.yaml');
    await writeFile(configPath, configText([{ name: MODEL, reference: 'reference.json' }]));
    const served = await startServe(['--config', configPath, ...LISTEN]);
    try {
      const post = await reloadOverHttp(served);
      expect(post.status).toBe(403);
      expect(post.body).toContain('--web.enable-lifecycle');
      const get = await fetch(`http://${served.metrics}/-/reload`);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST, PUT');
      served.child.kill('SIGTERM');
      expect(await served.exit).toBe(0);
    } finally {
      served.child.kill('SIGKILL');
    }
  }, 30_000);
});
