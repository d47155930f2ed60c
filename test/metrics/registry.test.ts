// The exposition the collectors produce: exact values from the monitor's arrays, and
// one failing collector never failing the scrape.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Collector } from '../../src/metrics/collector.js';
import { MetricFamily, formatLe } from '../../src/metrics/family.js';
import { METRICS } from '../../src/metrics/definitions.js';
import { MetricsRegistry, createCollectors } from '../../src/metrics/registry.js';
import { Fleet } from '../../src/monitor/fleet.js';
import type { NumericSlot } from '../../src/monitor/layout.js';
import { countBins, normal, seededRandom, testConfig, testReference } from '../support/synthetic-reference.js';

const silent = pino({ level: 'silent' });

function fleetWithTraffic(events = 400, shift = 0) {
  const fleet = new Fleet(testConfig(), new Map([['shop', testReference()]]), () => 1_000_000);
  const monitor = fleet.models[0].monitor;
  const random = seededRandom(1);
  const prices: number[] = [];
  for (let i = 0; i < events; i++) {
    const price = normal(random, 100 + shift, 15);
    prices.push(price);
    monitor.record({ features: { price, country: i % 3 === 0 ? 'FR' : 'DE', returning: i % 2 === 0 }, prediction: { score: random() }, latency_ms: 20 });
  }
  return { fleet, monitor, prices };
}

/** Parse exposition text into name{labels} → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

describe('MetricsRegistry', () => {
  it('exports exact counts, a histogram on the reference edges, and the reference ratios', async () => {
    const { fleet, monitor, prices } = fleetWithTraffic();
    const registry = new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false });
    const text = await registry.render();
    const s = samples(text);
    expect(s.get('mlwatch_predictions_total{model="shop",version="1.0.0"}')).toBe(400);
    expect(s.get('mlwatch_model_info{model="shop",version="1.0.0"}')).toBe(1);
    expect(s.get('mlwatch_model_deploy_timestamp_seconds{model="shop"}')).toBe(Date.parse('2026-11-01T00:00:00Z') / 1000);
    expect(s.get('mlwatch_feature_values_total{model="shop",feature="price"}')).toBe(400);
    expect(s.get('mlwatch_feature_category_total{model="shop",feature="country",category="FR"}')).toBe(134);
    expect(s.get('mlwatch_feature_category_total{model="shop",feature="returning",category="true"}')).toBe(200);
    expect(s.get('mlwatch_inference_latency_seconds_bucket{model="shop",le="0.01"}')).toBe(0);
    expect(s.get('mlwatch_inference_latency_seconds_bucket{model="shop",le="0.1"}')).toBe(400);
    expect(s.get('mlwatch_inference_latency_seconds_count{model="shop"}')).toBe(400);
    // The histogram buckets are the reference's coarse edges, cumulative.
    const slot = monitor.layout.slots[0] as NumericSlot;
    const edges = Array.from(slot.coarseEdges);
    const counts = countBins(prices, edges);
    let cumulative = 0;
    edges.forEach((edge, i) => {
      cumulative += counts[i];
      expect(s.get(`mlwatch_feature_value_bucket{model="shop",feature="price",le="${formatLe(edge)}"}`)).toBe(cumulative);
    });
    expect(s.get('mlwatch_feature_value_bucket{model="shop",feature="price",le="+Inf"}')).toBe(400);
    expect(s.get('mlwatch_feature_value_sum{model="shop",feature="price"}')).toBeCloseTo(prices.reduce((a, b) => a + b, 0), 6);
    // Reference ratios per bin sum to 1.
    const ratios = [...s.entries()].filter(([k]) => k.startsWith('mlwatch_feature_reference_bin_ratio{model="shop",feature="price"'));
    expect(ratios).toHaveLength(edges.length + 1);
    expect(ratios.reduce((a, [, v]) => a + v, 0)).toBeCloseTo(1, 12);
    // Each bin names its bounds as the histogram's le values, so PromQL can pair them.
    const bounds = ['-Inf', ...edges.map(formatLe), '+Inf'];
    for (let i = 0; i + 1 < bounds.length; i++) {
      expect(s.has(`mlwatch_feature_reference_bin_ratio{model="shop",feature="price",lower="${bounds[i]}",upper="${bounds[i + 1]}"}`)).toBe(true);
    }
    // Every reject reason is exported from the start, at 0, for a known model and __other__.
    expect(s.get('mlwatch_events_rejected_total{model="__other__",reason="unknown_model"}')).toBe(0);
    // No drift series before the first computation.
    expect(text).not.toContain('mlwatch_feature_drift{');
  });

  it('exports drift once computed, and only above min_samples', async () => {
    const { fleet } = fleetWithTraffic(400, 30);
    fleet.computeAllDrift();
    const s = samples(await new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false }).render());
    const psi = s.get('mlwatch_feature_drift{model="shop",feature="price",method="psi"}')!;
    expect(psi).toBeGreaterThan(0.2);
    expect(s.get('mlwatch_feature_drifted{model="shop",feature="price"}')).toBe(1);
    expect(s.get('mlwatch_feature_drift_window_samples{model="shop",feature="price"}')).toBe(400);
    expect(s.has('mlwatch_prediction_drift{model="shop",method="ks"}')).toBe(true);
    expect(s.get('mlwatch_drift_threshold{model="shop",method="psi"}')).toBe(0.2);
    expect(s.get('mlwatch_drift_last_computed_timestamp_seconds{model="shop"}')).toBe(1000);
    expect(s.has('mlwatch_drifted_features_ratio{model="shop"}')).toBe(true);
  });

  it('an unknown class is out of range, not a type error, as the metric help says', async () => {
    const fleet = new Fleet(testConfig(), new Map([['shop', testReference()]]));
    const monitor = fleet.models[0].monitor;
    for (const prediction of [{ label: 'maybe', score: 0.4 }, 'perhaps', { label: 7 }, { label: 'yes' }]) monitor.record({ features: {}, prediction });
    const text = await new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false }).render();
    const s = samples(text);
    expect(s.get('mlwatch_prediction_out_of_range_total{model="shop"}')).toBe(2); // 'maybe', 'perhaps'
    expect(s.get('mlwatch_prediction_type_errors_total{model="shop"}')).toBe(1); // the number 7
    expect(s.get('mlwatch_predicted_class_total{model="shop",class="__other__"}')).toBe(2);
    expect(text).toContain(`# HELP mlwatch_prediction_out_of_range_total ${METRICS.predictionOutOfRange.help}`);
    expect(METRICS.predictionOutOfRange.help).toMatch(/class labels not among the configured classes/);
    expect(METRICS.predictionTypeErrors.help).not.toMatch(/class/);
  });

  it('a failing collector costs only its own series and is reported', async () => {
    const { fleet } = fleetWithTraffic(10);
    // A family of its own: the real collectors already register every METRICS name.
    const family = new MetricFamily({ name: 'mlwatch_test_broken', type: 'gauge', labels: ['model'], help: 'Test only.' });
    const broken: Collector = {
      name: 'broken',
      families: [family],
      update() {
        family.samples = [{ labels: { model: 'x' }, value: 1 }];
        throw new Error('boom');
      },
    };
    const text = await new MetricsRegistry([broken, ...createCollectors(fleet)], silent, { processMetrics: false }).render();
    const s = samples(text);
    expect(s.get('mlwatch_scrape_collector_success{collector="broken"}')).toBe(0);
    expect(s.get('mlwatch_scrape_collector_success{collector="traffic"}')).toBe(1);
    expect(text).not.toContain('mlwatch_test_broken{model="x"}');
    expect(s.get('mlwatch_predictions_total{model="shop",version="1.0.0"}')).toBe(10);
  });

  it('names every metric by the conventions: prefix, _total on counters, base units', () => {
    for (const def of Object.values(METRICS)) {
      expect(def.name).toMatch(/^mlwatch_[a-z0-9_]+$/);
      expect(def.name.endsWith('_total')).toBe(def.type === 'counter');
      // type: request or response, the two kinds of KServe logger CloudEvent (a fixed pair);
      // variant, segment, segment_value: the configured slices. actual, predicted: the configured
      // classes (predicted with __other__); kind: prediction or label; metric, outcome, sign and operation: fixed lists;
      // positive: true or false; checksum: one reference per model.
      const allowed = ['model', 'feature', 'category', 'class', 'method', 'reason', 'version', 'le', 'lower', 'upper', 'collector', 'type', 'variant', 'segment', 'segment_value',
        'actual', 'predicted', 'kind', 'metric', 'outcome', 'sign', 'operation', 'checksum', 'positive'];
      for (const label of def.labels) expect(allowed).toContain(label);
    }
  });
});
