// mlwatch as Prometheus sees it: a sidecar started in-process, a real Prometheus scraping
// its metrics listener every second, and every assertion made through Prometheus's HTTP
// API — so names, labels, types and values survive the exposition format and the TSDB.
//
// Waiting: after posting, a test waits for a scrape that STARTED after its last request
// (timestamp() of a series from the target), then reads values once; counts are exact.
// The drift window is 3600 s (a sub-window rotates every 600 s: never during this file),
// and the tests rotate it themselves, so what the window holds is decided by the test alone.
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reference } from '../../src/reference/types.js';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import { testClock } from '../support/clock.js';
import {
  DEPLOYED_AT,
  MODEL,
  MODEL_VERSION,
  REFERENCE_CREATED_AT,
  TRAINING_ROWS,
  createModelFixture,
  eventGenerator,
  postInBatches,
  postJson,
  postNdjson,
  problemEvents,
  type ModelFixture,
  type PredictionEvent,
} from '../support/model-fixture.js';
import {
  PROMETHEUS_BIN,
  binaryGate,
  requireBinary,
  startPrometheus,
  type RunningPrometheus,
  type VectorSample,
} from '../support/prometheus.js';

const gate = binaryGate(PROMETHEUS_BIN, 'prometheus');
requireBinary(gate, it);

const MIN_SAMPLES = 100;
const SUB_WINDOWS = 6;
/** mlwatch's own drift window; the test empties it by moving the sidecar's clock past it. */
const DRIFT_WINDOW_SECONDS = 3600;
const clock = testClock();
const FEATURES = ['price', 'age', 'country', 'returning'];
const NUMERIC_METHODS = ['psi', 'jensen_shannon', 'wasserstein_normalized', 'ks'];
const CATEGORICAL_METHODS = ['psi', 'jensen_shannon', 'chi2_pvalue', 'chebyshev'];
const M = `model="${MODEL}"`;

describe.skipIf(!gate.available)('mlwatch scraped by a real Prometheus', () => {
  let fixture: ModelFixture;
  let sidecar: Sidecar;
  let prometheus: RunningPrometheus;
  let reference: Reference;
  const generator = eventGenerator(7);

  beforeAll(async () => {
    fixture = await createModelFixture({
      drift: { window_seconds: DRIFT_WINDOW_SECONDS, sub_windows: SUB_WINDOWS, min_samples: MIN_SAMPLES, compute_interval_seconds: 1 },
    });
    reference = JSON.parse(await readFile(fixture.referencePath, 'utf8')) as Reference;
    sidecar = await startSidecar(fixture.config, {
      ingestListen: { host: '127.0.0.1', port: 0 },
      metricsListen: { host: '127.0.0.1', port: 0 },
      processMetrics: false,
      logger: pino({ level: 'silent' }),
      clock,
    });
    prometheus = await startPrometheus({ targets: [new URL(sidecar.metricsUrl).host] });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await sidecar?.close();
    await fixture?.cleanup();
  });

  /** Waits for a scrape that began after every request so far, so each value reflects them all. */
  async function scrapedAfterNow(): Promise<void> {
    // Prometheus may move a scrape's timestamp a few ms toward its schedule
    // (--scrape.adjust-timestamps); the margin keeps that from passing an older scrape.
    const now = Date.now() / 1000 + 0.01;
    await prometheus.waitFor(`timestamp(mlwatch_model_info{${M}})`, (r) => r.length === 1 && r[0].value > now, 15_000);
  }

  async function value(promql: string): Promise<number> {
    const result = await prometheus.query(promql);
    if (result.length !== 1) throw new Error(`expected one series from ${promql}, got ${result.length}: ${describeResult(result)}`);
    return result[0].value;
  }

  /** Empties the drift window: one rotation per sub-window. */
  function emptyWindow(): void {
    clock.advance(DRIFT_WINDOW_SECONDS * 1000);
  }

  describe('counts after a mixed batch', () => {
    const good = generator.undrifted(51);
    const problems = problemEvents(generator);
    const nanLine = JSON.stringify(good[50]).replace(/"price":[0-9.]+/, '"price":NaN');
    /** Every accepted event, in the order sent. */
    const accepted: unknown[] = [...good.slice(0, 30), ...problems.accepted, ...good.slice(30, 50), JSON.parse(nanLine.replace('NaN', 'null')), good[0]];
    let answers: { status: number; accepted: number; rejected: number; errors: { index: number }[] }[] = [];

    beforeAll(async () => {
      answers = [
        await postJson(sidecar.ingestUrl, [...good.slice(0, 30), ...problems.accepted, ...problems.rejected]),
        // NDJSON: 20 good lines, a Python-style NaN price (non-finite, accepted), a broken line (invalid_json).
        await postNdjson(sidecar.ingestUrl, [...good.slice(30, 50).map((e) => JSON.stringify(e)), nanLine, '{"features": {"price": 1']),
        await postJson(sidecar.ingestUrl, good[0]),
        await postJson(sidecar.ingestUrl, good[1], 'no-such-model'),
      ];
      await scrapedAfterNow();
    });

    it('ingest answered with the accepted and rejected counts', () => {
      expect(answers.map((a) => [a.status, a.accepted, a.rejected])).toEqual([
        [200, 38, 3],
        [200, 21, 1],
        [200, 1, 0],
        [404, 0, 0],
      ]);
      expect(answers[0].errors.map((e) => e.index)).toEqual([38, 39, 40]);
      expect(answers[1].errors.map((e) => e.index)).toEqual([21]);
    });

    it('the target is up and every collector succeeded', async () => {
      const targets = await prometheus.targets();
      expect(targets.map((t) => [t.health, t.lastError])).toEqual([['up', '']]);
      const collectors = await prometheus.query('mlwatch_scrape_collector_success');
      expect(collectors.map((s) => s.metric.collector).sort()).toEqual(expect.arrayContaining(['distribution', 'drift', 'quality', 'traffic']));
      expect(collectors.filter((s) => s.value !== 1).map((s) => s.metric.collector)).toEqual([]);
    });

    it('counts predictions per version, rejections per reason and unknown fields exactly', async () => {
      expect(await value(`mlwatch_predictions_total{${M},version="${MODEL_VERSION}"}`)).toBe(accepted.length - 1);
      expect(await value(`mlwatch_predictions_total{${M},version="1.1.0-canary"}`)).toBe(1);
      expect(await value(`mlwatch_events_rejected_total{${M},reason="invalid_event"}`)).toBe(3);
      expect(await value(`mlwatch_events_rejected_total{${M},reason="invalid_json"}`)).toBe(1);
      expect(await value(`mlwatch_events_rejected_total{model="__other__",reason="unknown_model"}`)).toBe(1);
      expect(await value(`sum(mlwatch_events_rejected_total)`)).toBe(5);
      expect(await value(`mlwatch_unknown_fields_total{${M}}`)).toBe(2);
    });

    it('counts each data-quality problem on its feature, and nothing on the others', async () => {
      const expected: Record<string, Record<string, number>> = {
        mlwatch_feature_missing_total: { price: 2 },
        mlwatch_feature_type_errors_total: { price: 1, returning: 1 },
        mlwatch_feature_out_of_range_total: { price: 1, country: 1 },
        mlwatch_feature_nonfinite_total: { price: 1 },
        // 60 events: price is absent/null twice, a string once, NaN once; returning is a string once.
        mlwatch_feature_values_total: { price: 56, age: 60, country: 60, returning: 59 },
      };
      for (const [metric, perFeature] of Object.entries(expected)) {
        const got = byLabel(await prometheus.query(`${metric}{${M}}`), 'feature');
        expect({ metric, got }).toEqual({ metric, got: Object.fromEntries(FEATURES.map((f) => [f, perFeature[f] ?? 0])) });
      }
      expect(await value(`mlwatch_prediction_values_total{${M}}`)).toBe(accepted.length);
      expect(await value(`mlwatch_prediction_missing_total{${M}}`)).toBe(0);
    });

    it('counts categories (unseen ones as __other__) and predicted classes', async () => {
      const events = accepted as PredictionEvent[];
      const tally = (values: unknown[]): Record<string, number> => {
        const counts: Record<string, number> = {};
        for (const v of values) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
        return counts;
      };
      const countries = tally(events.map((e) => e.features.country).map((c) => (c === 'Atlantis' ? '__other__' : c)));
      expect(byLabel(await prometheus.query(`mlwatch_feature_category_total{${M},feature="country"} > 0`), 'category')).toEqual(countries);
      const returning = tally(events.map((e) => e.features.returning).filter((r) => typeof r === 'boolean'));
      expect(byLabel(await prometheus.query(`mlwatch_feature_category_total{${M},feature="returning"} > 0`), 'category')).toEqual(returning);
      const classes = tally(events.map((e) => (e.prediction.score >= 0.5 ? 'yes' : 'no')));
      expect(byLabel(await prometheus.query(`mlwatch_predicted_class_total{${M}} > 0`), 'class')).toEqual(classes);
    });

    it('exports the price histogram on the reference bin edges, with exact count and sum', async () => {
      const prices = (accepted as PredictionEvent[]).map((e) => e.features.price).filter((p): p is number => typeof p === 'number');
      expect(prices).toHaveLength(56);
      const sketch = reference.features.price;
      if (sketch.kind !== 'numeric') throw new Error('price should be numeric in the reference');
      const buckets = await prometheus.query(`mlwatch_feature_value_bucket{${M},feature="price"}`);
      const les = buckets.map((b) => parseLe(b.metric.le)).sort((a, b) => a - b);
      expect(les).toEqual([...sketch.edges, Infinity]);
      for (const b of buckets) {
        const le = parseLe(b.metric.le);
        expect({ le, count: b.value }).toEqual({ le, count: prices.filter((p) => p <= le).length });
      }
      expect(await value(`mlwatch_feature_value_count{${M},feature="price"}`)).toBe(56);
      expect(await value(`mlwatch_feature_value_sum{${M},feature="price"}`)).toBeCloseTo(prices.reduce((a, b) => a + b, 0), 6);
      const ratios = await value(`sum(mlwatch_feature_reference_bin_ratio{${M},feature="price"})`);
      expect(ratios).toBeCloseTo(1, 9);
    });

    it('exports the latency histogram in seconds', async () => {
      const latencies = (accepted as PredictionEvent[]).map((e) => e.latency_ms / 1000);
      expect(await value(`mlwatch_inference_latency_seconds_count{${M}}`)).toBe(accepted.length);
      expect(await value(`mlwatch_inference_latency_seconds_sum{${M}}`)).toBeCloseTo(latencies.reduce((a, b) => a + b, 0), 9);
      expect(await value(`mlwatch_inference_latency_seconds_bucket{${M},le="0.025"}`)).toBe(latencies.filter((s) => s <= 0.025).length);
    });

    it('exports model identity, deploy time, the reference and the drift settings', async () => {
      expect(await value(`mlwatch_model_info{${M},version="${MODEL_VERSION}"}`)).toBe(1);
      expect(await value(`mlwatch_model_deploy_timestamp_seconds{${M}}`)).toBe(Date.parse(DEPLOYED_AT) / 1000);
      expect(await value(`mlwatch_reference_rows{${M}}`)).toBe(TRAINING_ROWS);
      expect(await value(`mlwatch_reference_created_timestamp_seconds{${M}}`)).toBe(Date.parse(REFERENCE_CREATED_AT) / 1000);
      expect(await value(`mlwatch_drift_min_samples{${M}}`)).toBe(MIN_SAMPLES);
      expect(await value(`mlwatch_drift_window_seconds{${M}}`)).toBe(3600);
      expect(await value(`mlwatch_drift_threshold{${M},method="psi"}`)).toBe(0.2);
    });
  });

  describe('drift', () => {
    it('is absent while the window holds fewer than min_samples values', async () => {
      emptyWindow();
      await postInBatches(sidecar.ingestUrl, generator.undrifted(MIN_SAMPLES - 40));
      sidecar.fleet.computeAllDrift();
      await scrapedAfterNow();
      expect(await value(`mlwatch_feature_drift_window_samples{${M},feature="price"}`)).toBe(MIN_SAMPLES - 40);
      expect(await value(`mlwatch_prediction_drift_window_samples{${M}}`)).toBe(MIN_SAMPLES - 40);
      for (const metric of [
        'mlwatch_feature_drift',
        'mlwatch_prediction_drift',
        'mlwatch_feature_drifted',
        'mlwatch_drifted_features_ratio',
        'mlwatch_feature_drift_noise',
        'mlwatch_prediction_drift_noise',
        'mlwatch_prediction_drifted',
      ]) {
        expect({ metric, series: describeResult(await prometheus.query(`${metric}{${M}}`)) }).toEqual({ metric, series: '' });
      }
    });

    it('stays below every threshold for undrifted traffic', async () => {
      // Continues the window of the previous test: 60 + 940 = 1000 values.
      await postInBatches(sidecar.ingestUrl, generator.undrifted(1000 - (MIN_SAMPLES - 40)));
      sidecar.fleet.computeAllDrift();
      await scrapedAfterNow();
      expect(await value(`mlwatch_feature_drift_window_samples{${M},feature="price"}`)).toBe(1000);
      const psi = await value(`mlwatch_feature_drift{${M},feature="price",method="psi"}`);
      const threshold = await value(`mlwatch_drift_threshold{${M},method="psi"}`);
      expect(psi).toBeLessThan(threshold);
      await expectAllMethods({ drifted: [] });
      expect(byLabel(await prometheus.query(`mlwatch_feature_drifted{${M}}`), 'feature')).toEqual(Object.fromEntries(FEATURES.map((f) => [f, 0])));
      expect(await value(`mlwatch_drifted_features_ratio{${M}}`)).toBe(0);
    });

    it('crosses its threshold on the shifted feature (and the score) after drifted traffic', async () => {
      emptyWindow();
      await postInBatches(sidecar.ingestUrl, generator.drifted(1000));
      sidecar.fleet.computeAllDrift();
      await scrapedAfterNow();
      expect(await value(`mlwatch_feature_drift_window_samples{${M},feature="price"}`)).toBe(1000);
      const psi = await value(`mlwatch_feature_drift{${M},feature="price",method="psi"}`);
      expect(psi).toBeGreaterThan(await value(`mlwatch_drift_threshold{${M},method="psi"}`));
      await expectAllMethods({ drifted: ['price'] });
      // What an alert rule would write: the features whose PSI is above the configured threshold.
      const alerting = await prometheus.query(
        `mlwatch_feature_drift{${M},method="psi"} > on(model, method) group_left mlwatch_drift_threshold`,
      );
      expect(alerting.map((s) => s.metric.feature)).toEqual(['price']);
      expect(byLabel(await prometheus.query(`mlwatch_feature_drifted{${M}}`), 'feature')).toEqual({ price: 1, age: 0, country: 0, returning: 0 });
      expect(await value(`mlwatch_drifted_features_ratio{${M}}`)).toBe(1 / FEATURES.length);
      const predictionPsi = await value(`mlwatch_prediction_drift{${M},method="psi"}`);
      expect(predictionPsi).toBeGreaterThan(0.2);
      // The noise level of every score is exported beside it (the reference has noise levels),
      // and the drifted price is beyond its own.
      expect((await prometheus.query(`mlwatch_feature_drift_noise{${M}}`)).length).toBe(16);
      expect((await prometheus.query(`mlwatch_prediction_drift_noise{${M}}`)).length).toBe(4);
      const js = await value(`mlwatch_feature_drift{${M},feature="price",method="jensen_shannon"}`);
      expect(js).toBeGreaterThanOrEqual(await value(`mlwatch_feature_drift_noise{${M},feature="price",method="jensen_shannon"}`));
      expect(await value(`mlwatch_prediction_drifted{${M}}`)).toBe(1);
    });
  });

  /**
   * Every method of every feature against its threshold (chi2_pvalue drifts when BELOW
   * it): the features in `drifted` must cross on every method, the others on none.
   */
  async function expectAllMethods({ drifted }: { drifted: string[] }): Promise<void> {
    const scores = await prometheus.query(`mlwatch_feature_drift{${M}}`);
    const thresholds = byLabel(await prometheus.query(`mlwatch_drift_threshold{${M}}`), 'method');
    const expectedMethods: Record<string, string[]> = { price: NUMERIC_METHODS, age: NUMERIC_METHODS, country: CATEGORICAL_METHODS, returning: CATEGORICAL_METHODS };
    const seen = scores.map((s) => `${s.metric.feature}/${s.metric.method}`).sort();
    expect(seen).toEqual(Object.entries(expectedMethods).flatMap(([f, methods]) => methods.map((m) => `${f}/${m}`)).sort());
    const crossed = scores
      .filter((s) => (s.metric.method === 'chi2_pvalue' ? s.value < thresholds.chi2_pvalue : s.value > thresholds[s.metric.method]))
      .map((s) => `${s.metric.feature}/${s.metric.method}=${s.value.toPrecision(3)}`);
    const expected = drifted.flatMap((f) => expectedMethods[f].map((m) => `${f}/${m}`));
    expect(crossed.map((c) => c.split('=')[0]).sort(), `crossed: ${crossed.join(', ')}`).toEqual(expected.sort());
  }
});

function byLabel(result: VectorSample[], label: string): Record<string, number> {
  return Object.fromEntries(result.map((s) => [s.metric[label], s.value]));
}

/** An `le` label as a number; Prometheus writes the last bucket as "+Inf". */
function parseLe(le: string): number {
  return le === '+Inf' ? Infinity : Number(le);
}

function describeResult(result: VectorSample[]): string {
  return result.map((s) => `${JSON.stringify(s.metric)}=${s.value}`).join(', ');
}
