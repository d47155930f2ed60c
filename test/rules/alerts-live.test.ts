// The generated alert rules against a live mlwatch, through a real Prometheus (2.42 here):
// the PromQL joins match the labels mlwatch really exports, and every alert fires with the
// model, feature and instance labels it promises. The rules are rendered from the shipped
// thresholds with shortened timings (withTimings), the way the end-to-end test does it.
// One stream of traffic carries every problem at once: drifted prices, nulls, type errors,
// out-of-range values, NaN scores, slow requests, a canary version and rejected events.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadThresholds, renderAlertRules, withTimings, type AlertThresholds } from '../../src/rules/alerts.js';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import { MODEL, createModelFixture, eventGenerator, postNdjson, type ModelFixture } from '../support/model-fixture.js';
import { PROMETHEUS_BIN, binaryGate, requireBinary, startPrometheus, type RunningPrometheus, type VectorSample } from '../support/prometheus.js';
import { THRESHOLDS_FILE } from './alerts-support.js';

const gate = binaryGate(PROMETHEUS_BIN, 'prometheus');
requireBinary(gate, it);

/** Every alert the problem traffic must fire, with the feature it names (if any). */
const EXPECTED: Record<string, string | null> = {
  MLWatchFeatureDriftWarning: 'price',
  MLWatchFeatureDriftCritical: 'price',
  MLWatchPredictionDrift: null,
  MLWatchDatasetDrift: null,
  MLWatchFeatureNullRateHigh: 'price',
  MLWatchFeatureTypeErrors: 'age',
  MLWatchFeatureOutOfRange: 'price',
  MLWatchPredictionNonFinite: null,
  MLWatchInferenceLatencyHigh: null,
  MLWatchModelStale: null,
  MLWatchUnexpectedModelVersion: null,
  MLWatchEventsRejected: null,
};

function testThresholds(): AlertThresholds {
  const t = withTimings(loadThresholds(THRESHOLDS_FILE), { for: '0s', rate_window: '10s' });
  // One of the fixture's four features drifts; the fixture was deployed on 2026-11-01.
  t.alerts.MLWatchDatasetDrift.threshold = 0.25;
  t.alerts.MLWatchModelStale.max_age = '1d';
  return t;
}

/** One batch of 51 accepted events (39 drifted, 12 with one problem each) and 3 rejected ones. */
function problemBatch(generator: ReturnType<typeof eventGenerator>): string[] {
  const events = generator.drifted(50);
  const lines = events.slice(0, 39).map((e) => JSON.stringify(e));
  const tweak = (i: number, change: (e: Record<string, unknown> & { features: Record<string, unknown> }) => void): string => {
    const event = { ...events[i], features: { ...events[i].features } };
    change(event);
    return JSON.stringify(event);
  };
  lines.push(
    tweak(39, (e) => (e.features.price = null)), // 3 nulls of 51: 5.9%
    tweak(40, (e) => (e.features.price = null)),
    tweak(41, (e) => (e.features.price = null)),
    tweak(42, (e) => (e.features.age = 'forty')), // 2 type errors: 3.9%
    tweak(43, (e) => (e.features.age = 'fifty')),
    tweak(44, (e) => (e.features.price = 5000)), // 3 of 48 prices out of range: 6.25%
    tweak(45, (e) => (e.features.price = 6000)),
    tweak(46, (e) => (e.features.price = 7000)),
    tweak(47, (e) => (e.latency_ms = 3000)), // 2 slow requests of 51: p99 in (2.5s, 5s]
    tweak(48, (e) => (e.latency_ms = 4000)),
    tweak(49, (e) => (e.model_version = '2.0.0-canary')),
    // A NaN score, as Python's json writes it (the tolerant parser reads the bare token).
    JSON.stringify({ ...events[0], prediction: { score: 0.5 } }).replace('"score":0.5', '"score":NaN'),
    // 3 of 54 events rejected: 5.6%.
    JSON.stringify({ prediction: { score: 0.5 } }),
    JSON.stringify({ features: 'price=3', prediction: { score: 0.5 } }),
    JSON.stringify({ ...events[0], latency_ms: -5 }),
  );
  return lines;
}

describe.skipIf(!gate.available)('the alert rules on a live mlwatch', () => {
  let fixture: ModelFixture;
  let sidecar: Sidecar | null = null;
  let prometheus: RunningPrometheus;
  let dir: string;
  let instance: string;
  let sending: ReturnType<typeof setInterval> | null = null;
  let sendError: unknown = null;

  beforeAll(async () => {
    fixture = await createModelFixture({ drift: { window_seconds: 60, sub_windows: 6, min_samples: 100, compute_interval_seconds: 1 } });
    dir = await mkdtemp(join(tmpdir(), 'mlwatch-alerts-live-'));
    const rulesFile = join(dir, 'mlwatch-alerts.rules.yml');
    await writeFile(rulesFile, renderAlertRules(testThresholds()));
    sidecar = await startSidecar(fixture.config, {
      ingestListen: { host: '127.0.0.1', port: 0 },
      metricsListen: { host: '127.0.0.1', port: 0 },
      processMetrics: false,
      logger: pino({ level: 'silent' }),
    });
    instance = new URL(sidecar.metricsUrl).host;
    prometheus = await startPrometheus({ targets: [instance], ruleFiles: [rulesFile] });
  });

  afterAll(async () => {
    if (sending !== null) clearInterval(sending);
    await prometheus?.stop();
    await sidecar?.close();
    await fixture?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function firing(name: string): Promise<VectorSample[]> {
    return prometheus.query(`ALERTS{alertname="${name}", alertstate="firing"}`);
  }

  it('problem traffic fires every data and serving alert, labelled with model, feature and instance', async () => {
    const generator = eventGenerator(11);
    const ingestUrl = sidecar?.ingestUrl as string;
    const send = (): void => {
      postNdjson(ingestUrl, problemBatch(generator), MODEL).then((answer) => {
        if (answer.status !== 200 || answer.accepted !== 51 || answer.rejected !== 3) sendError ??= new Error(JSON.stringify(answer));
      }, (error: unknown) => (sendError ??= error));
    };
    send();
    sending = setInterval(send, 250);

    // On a timeout, the error lists the alerts that did fire.
    await prometheus.waitFor(
      'count by (alertname) (ALERTS{alertstate="firing"})',
      (r) => Object.keys(EXPECTED).every((name) => r.some((s) => s.metric.alertname === name)),
      30_000,
    );
    expect(sendError).toBeNull();
    for (const [name, feature] of Object.entries(EXPECTED)) {
      const alerts = await firing(name);
      expect(alerts.length, name).toBeGreaterThan(0);
      for (const { metric } of alerts) {
        expect(metric, name).toMatchObject({ job: 'mlwatch', instance, model: MODEL });
        expect(['critical', 'warning'], name).toContain(metric.severity);
        expect(['data-science', 'sre'], name).toContain(metric.team);
      }
      if (feature !== null) expect(alerts.map((a) => a.metric.feature), name).toContain(feature);
    }
    // The null-rate level joins mlwatch's two per-feature gauges one to one: the flat 5% for
    // each of the fixture's features (none is declared nullable).
    const levels = await prometheus.query(
      '0.05 + (mlwatch_feature_nullable * on (job, instance, model, feature) mlwatch_feature_reference_missing_ratio)',
    );
    expect(levels.map((s) => [s.metric.feature, s.value]).sort()).toEqual([['age', 0.05], ['country', 0.05], ['price', 0.05], ['returning', 0.05]]);
    expect((await firing('MLWatchFeatureNullRateHigh')).map((a) => a.metric.feature)).toEqual(['price']);
    expect((await firing('MLWatchUnexpectedModelVersion')).map((a) => a.metric.version)).toEqual(['2.0.0-canary']);
    expect((await firing('MLWatchModelStale'))[0].metric.version).toBe('1.0.0');
    // Undrifted features do not alert.
    const drifted = (await firing('MLWatchFeatureDriftWarning')).map((a) => a.metric.feature);
    expect(drifted).not.toContain('country');
    expect(drifted).not.toContain('returning');
    expect(await firing('MLWatchTrafficStopped')).toEqual([]);
    expect(await firing('MLWatchDown')).toEqual([]);
  });

  it('traffic that stops fires MLWatchTrafficStopped', async () => {
    if (sending !== null) clearInterval(sending);
    sending = null;
    const [alert] = await prometheus.waitFor('ALERTS{alertname="MLWatchTrafficStopped", alertstate="firing"}', (r) => r.length === 1, 25_000);
    expect(alert.metric).toMatchObject({ job: 'mlwatch', instance, model: MODEL, severity: 'critical', team: 'sre' });
  });

  it('mlwatch stopping fires MLWatchDown for its instance', async () => {
    await sidecar?.close();
    sidecar = null;
    const [alert] = await prometheus.waitFor('ALERTS{alertname="MLWatchDown", alertstate="firing"}', (r) => r.length === 1, 15_000);
    expect(alert.metric).toMatchObject({ job: 'mlwatch', instance, severity: 'critical', team: 'sre' });
  });
});
