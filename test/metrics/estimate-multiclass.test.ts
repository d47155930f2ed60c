// Multiclass CBPE on a real scrape: the per-class expected counters (model, variant, segment
// value) equal an exact computation on the raw events, the window gauges are exported with
// their band, the per-class calibration decisions are exported; a reference without per-class
// calibration (built before score_columns) still loads and the model simply isn't estimated.
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { modelWarnings } from '../../src/config/model-warnings.js';
import { MetricsRegistry, createCollectors } from '../../src/metrics/registry.js';
import { Fleet } from '../../src/monitor/fleet.js';
import { writeReference } from '../../src/reference/io.js';
import type { Reference } from '../../src/reference/types.js';
import { startSidecar } from '../../src/serve/sidecar.js';
import { seededRandom } from '../../src/reference/seeded-random.js';
import { binIndex } from '../../src/stats/bins.js';
import { withTempDir } from '../reference/helpers.js';
import { CLASSES, argmax, draw, modelScores, multiclassSetup, sampleRow, truth } from '../monitor/multiclass-world.js';

const silent = pino({ level: 'silent' });
const OUTCOMES = ['tp', 'fp', 'fn', 'tn'] as const;

function sampleValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no series ${series}`);
  return Number(line.slice(series.length + 1));
}

describe('multiclass CBPE on a scrape', () => {
  it('mlwatch_estimated_confusion_total per class equals Σ of the normalised calibrated probabilities on the raw events (1e-9 relative)', async () => {
    await withTempDir(async (dir) => {
      const { config, reference } = await multiclassSetup(dir, { temperature: 0.5, rows: 8000 });
      const fleet = new Fleet(config, new Map([['animals', reference]]), () => 1_000_000);
      const monitor = fleet.models[0].monitor;
      const random = seededRandom(3);
      // exact[scope][class][outcome]
      const scopes = ['model', 'north', 'south'] as const;
      const exact = Object.fromEntries(scopes.map((s) => [s, CLASSES.map(() => [0, 0, 0, 0])])) as Record<(typeof scopes)[number], number[][]>;
      const calibration = reference.class_calibration!;
      for (let i = 0; i < 600; i++) {
        const row = sampleRow(random, 0.3);
        const scores = modelScores(row, 0.5);
        expect(monitor.record({ features: { ...row }, prediction: { scores } })).toBeNull();
        const raw = calibration.classes.map((c, k) => (c.used ? c.map[binIndex(c.edges, scores[k])] : Math.min(1, Math.max(0, scores[k]))));
        const sum = raw.reduce((s, v) => s + v, 0);
        const predicted = argmax(scores);
        for (const scope of ['model', row.region] as const) {
          raw.forEach((v, k) => {
            const p = v / sum;
            const counts = exact[scope as (typeof scopes)[number]][k];
            if (k === predicted) {
              counts[0] += p;
              counts[1] += 1 - p;
            } else {
              counts[2] += p;
              counts[3] += 1 - p;
            }
          });
        }
      }
      const text = await new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false }).render();
      for (const [k, name] of CLASSES.entries()) {
        for (const [o, outcome] of OUTCOMES.entries()) {
          const model = sampleValue(text, `mlwatch_estimated_confusion_total{model="animals",class="${name}",outcome="${outcome}"}`);
          expect(Math.abs(model - exact.model[k][o])).toBeLessThan(1e-9 * Math.max(1, exact.model[k][o]));
          for (const region of ['north', 'south'] as const) {
            const segment = sampleValue(text, `mlwatch_segment_estimated_confusion_total{model="animals",segment="region",segment_value="${region}",class="${name}",outcome="${outcome}"}`);
            expect(Math.abs(segment - exact[region][k][o])).toBeLessThan(1e-9 * Math.max(1, exact[region][k][o]));
          }
        }
      }
      expect(text).toContain('mlwatch_variant_estimated_confusion_total{model="animals",variant="champion",class="fox",outcome="tp"}');
      // The window gauges: accuracy Σ_k tp_k / n with the band, macro metrics; no ROC AUC for multiclass.
      const tp = CLASSES.map((_, k) => exact.model[k][0]);
      expect(sampleValue(text, 'mlwatch_estimated_performance_window_samples{model="animals"}')).toBeCloseTo(600, 8);
      expect(sampleValue(text, 'mlwatch_estimated_performance{model="animals",metric="accuracy"}')).toBeCloseTo(tp.reduce((s, v) => s + v, 0) / 600, 9);
      for (const metric of ['precision', 'recall', 'f1']) expect(text).toContain(`mlwatch_estimated_performance{model="animals",metric="${metric}"}`);
      expect(text).not.toContain('mlwatch_estimated_performance{model="animals",metric="roc_auc"}');
      const upper = sampleValue(text, 'mlwatch_estimated_performance_upper{model="animals",metric="accuracy"}');
      const lower = sampleValue(text, 'mlwatch_estimated_performance_lower{model="animals",metric="accuracy"}');
      const spread = reference.performance!.spread.accuracy;
      expect((upper - lower) / 2).toBeCloseTo(3 * spread.std * Math.sqrt(reference.performance!.chunk_rows / 600), 9);
      for (const c of calibration.classes) {
        expect(text).toContain(`mlwatch_class_calibration_in_use{model="animals",class="${c.class}"} ${c.used ? 1 : 0}\n`);
        expect(text).toContain(`mlwatch_class_calibration_error{model="animals",class="${c.class}",method="raw"} `);
      }
      // The binary gauges stay the binary models'.
      expect(text).not.toContain('mlwatch_calibration_in_use{model="animals"}');
    });
  });

  it('a reference without per-class calibration loads: no estimate for the multiclass model, and a warning', async () => {
    await withTempDir(async (dir) => {
      const { config, reference } = await multiclassSetup(dir, { temperature: 0.5, rows: 2000 });
      const { class_calibration: _dropped, ...older } = reference;
      const fleet = new Fleet(config, new Map([['animals', older as Reference]]), () => 1_000_000);
      const monitor = fleet.models[0].monitor;
      expect(monitor.layout.cbpe).toBeNull();
      const random = seededRandom(4);
      for (let i = 0; i < 200; i++) {
        const row = sampleRow(random, 0);
        expect(monitor.record({ features: { ...row }, prediction: { scores: modelScores(row, 0.5) } })).toBeNull();
      }
      expect(CLASSES.reduce((s, _, k) => s + monitor.state.model.classCount(k), 0)).toBe(200);
      const text = await new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false }).render();
      expect(text).not.toMatch(/^mlwatch_(variant_|segment_)?estimated_/m);
      expect(text).not.toMatch(/^mlwatch_class_calibration/m);
      expect(text).toContain('mlwatch_performance'); // the rest of the model is monitored as before
      const warnings = modelWarnings(config.models[0], 0, older as Reference).filter((w) => w.includes('label_column'));
      expect(warnings).toEqual([expect.stringContaining('no per-class calibration of score_columns (the estimated performance is off)')]);
      // score_columns without a label column: nothing to calibrate on, said so.
      const unlabelled = { ...config.models[0], reference_build: { ...config.models[0].reference_build, label_column: undefined } };
      expect(modelWarnings(unlabelled, 0, older as Reference)).toContainEqual(expect.stringMatching(/^models\[0\]\.reference_build\.score_columns: has no effect without reference_build\.label_column/));
    });
  });

  it('over HTTP: the estimate before the labels, then the realised accuracy beside it (what MLWatchEstimateRealisedGap compares)', async () => {
    await withTempDir(async (dir) => {
      const { config, reference } = await multiclassSetup(dir, { temperature: 0.5, rows: 8000 });
      const model = config.models[0];
      model.reference = join(dir, 'reference.json');
      await writeReference(model.reference, reference);
      const sidecar = await startSidecar(config, {
        ingestListen: { host: '127.0.0.1', port: 0 },
        metricsListen: { host: '127.0.0.1', port: 0 },
        processMetrics: false,
        logger: silent,
      });
      try {
        const random = seededRandom(21);
        const events = [];
        const labels = [];
        let correct = 0;
        for (let i = 0; i < 1000; i++) {
          const row = sampleRow(random, 1);
          const scores = modelScores(row, 0.5);
          const actual = draw(truth(row), random());
          if (actual === argmax(scores)) correct++;
          events.push({ id: `e${i}`, features: { ...row }, prediction: { scores: Object.fromEntries(CLASSES.map((c, k) => [c, scores[k]])) } });
          labels.push({ id: `e${i}`, label: CLASSES[actual] });
        }
        const post = (path: string, body: unknown[]) =>
          fetch(`${sidecar.ingestUrl}/v1/models/animals/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect((await post('predictions', events)).status).toBe(200);
        const before = await sidecar.metrics.render();
        const estimated = sampleValue(before, 'mlwatch_estimated_performance{model="animals",metric="accuracy"}');
        expect(before).not.toContain('mlwatch_performance{model="animals",metric="accuracy"}');
        expect(await (await post('labels', labels)).json()).toMatchObject({ joined: 1000 });
        const after = await sidecar.metrics.render();
        const realised = sampleValue(after, 'mlwatch_performance{model="animals",metric="accuracy"}');
        expect(realised).toBeCloseTo(correct / 1000, 12);
        // Covariate shift only: the two agree within the binomial sampling error (SE ≈ 0.014 at n = 1000).
        console.log(`HTTP: estimated accuracy ${estimated.toFixed(4)}, realised ${realised.toFixed(4)}`);
        expect(Math.abs(estimated - realised)).toBeLessThan(0.045);
      } finally {
        await sidecar.close();
      }
    });
  }, 60_000);
});
