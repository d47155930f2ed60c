// The scrape of a sliced model (two variants, a categorical and a numeric segment) through
// the real sidecar: the unsliced series are what they would be without slices, each slice's
// series carry its labels and its own counts, and `promtool check metrics` passes on it all.
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import { createModelFixture, eventGenerator, postInBatches, type ModelFixture, type PredictionEvent } from '../support/model-fixture.js';
import { PROMTOOL_BIN, binaryGate, requireBinary } from '../support/prometheus.js';

const promtool = binaryGate(PROMTOOL_BIN, 'prometheus');
requireBinary(promtool, it);

const SLICES = `    variants: [champion, canary]
    segments:
      - { feature: country }
      - { feature: age, edges: [40] }
`;

function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('sliced scrape', () => {
  let fixture: ModelFixture;
  let sidecar: Sidecar;
  let events: (PredictionEvent & { variant?: string })[];
  let scraped: Map<string, number>;
  let text: string;

  beforeAll(async () => {
    fixture = await createModelFixture({ modelYaml: SLICES, drift: { min_samples: 50 } });
    sidecar = await startSidecar(fixture.config, {
      ingestListen: { host: '127.0.0.1', port: 0 },
      metricsListen: { host: '127.0.0.1', port: 0 },
      processMetrics: false,
      logger: pino({ level: 'silent' }),
    });
    const generator = eventGenerator(4);
    events = generator.undrifted(400).map((e, i) => (i % 4 === 0 ? { ...e, variant: 'canary' } : e));
    await postInBatches(sidecar.ingestUrl, events);
    sidecar.fleet.computeAllDrift();
    text = await (await fetch(`${sidecar.metricsUrl}/metrics`)).text();
    scraped = samples(text);
  });

  afterAll(async () => {
    await sidecar?.close();
    await fixture?.cleanup();
  });

  it('keeps the unsliced series and adds each variant and segment value', () => {
    expect(scraped.get('mlwatch_predictions_total{model="shop",version="1.0.0"}')).toBe(400);
    expect(scraped.get('mlwatch_variant_predictions_total{model="shop",variant="champion",version="1.0.0"}')).toBe(300);
    expect(scraped.get('mlwatch_variant_predictions_total{model="shop",variant="canary",version="1.0.0"}')).toBe(100);
    expect(scraped.has('mlwatch_variant_predictions_total{model="shop",variant="__other__",version="1.0.0"}')).toBe(false);
    for (const country of ['US', 'DE', 'FR', 'JP', '__other__', '__missing__']) {
      const expected = events.filter((e) => e.features.country === country).length;
      // A segment value that has seen no event adds no series.
      const series = `mlwatch_segment_predictions_total{model="shop",segment="country",segment_value="${country}"}`;
      expect(scraped.get(series), country).toBe(expected === 0 ? undefined : expected);
    }
    const young = events.filter((e) => (e.features.age as number) <= 40).length;
    expect(scraped.get('mlwatch_segment_predictions_total{model="shop",segment="age",segment_value="(-Inf, 40]"}')).toBe(young);
    expect(scraped.get('mlwatch_segment_predictions_total{model="shop",segment="age",segment_value="(40, +Inf)"}')).toBe(400 - young);
    expect(scraped.get('mlwatch_state_cells{model="shop"}')).toBe(3 + 6 + 3); // variants + __other__; US, DE, FR, JP, __other__, __missing__; two intervals + __missing__
    // Drift per slice, and the canary's divergence from the champion.
    expect(scraped.has('mlwatch_segment_feature_drift{model="shop",segment="country",segment_value="US",feature="price",method="psi"}')).toBe(true);
    expect(scraped.has('mlwatch_variant_feature_drift{model="shop",variant="canary",feature="price",method="psi"}')).toBe(true);
    expect(scraped.has('mlwatch_variant_prediction_divergence{model="shop",variant="canary",method="ks"}')).toBe(true);
    expect(scraped.has('mlwatch_variant_prediction_divergence{model="shop",variant="champion",method="ks"}')).toBe(false);
  });

  it.skipIf(!promtool.available)('passes promtool check metrics', () => {
    const result = spawnSync(PROMTOOL_BIN, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: result.status, lint: `${result.stdout}${result.stderr}`.trim() }).toEqual({ status: 0, lint: '' });
  });
});
