// A regression's label-free error estimate: the reference's error map equals the shrunk per-bin
// mean of the residuals computed here on the raw rows (continuous and tie-heavy predictions);
// the counters on a scrape equal Σ of the map at each raw event's bin, per scope; the window's
// MAE and RMSE are those sums over n with the ±3 SE band; on a stream under covariate shift the
// estimate tracks the realised MAE and RMSE before any label, and under concept drift it cannot
// (the limit the README states).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelWarnings } from '../../src/config/model-warnings.js';
import { MetricsRegistry, createCollectors } from '../../src/metrics/registry.js';
import { windowEstimator } from '../../src/monitor/cbpe-estimate.js';
import { R_ABSOLUTE, R_PREDICTIONS, R_SQUARED } from '../../src/monitor/cbpe-layout.js';
import { Fleet } from '../../src/monitor/fleet.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { buildReference } from '../../src/reference/build.js';
import { referenceProblems } from '../../src/reference/structure.js';
import type { Reference } from '../../src/reference/types.js';
import { seededRandom } from '../../src/reference/seeded-random.js';
import { binIndex } from '../../src/stats/bins.js';
import { ERROR_MAP_PRIOR_ROWS } from '../../src/stats/error-map.js';
import { makeModel, withTempDir } from '../reference/helpers.js';
import { sampleValue } from '../support/serve-process.js';
import { regressionRow, regressionSetup, type RegressionRow } from './regression-world.js';

const silent = pino({ level: 'silent' });

function fineEdges(reference: Reference): number[] {
  if (reference.prediction.kind !== 'numeric') throw new Error('numeric prediction expected');
  return reference.prediction.fine_edges;
}

/** The oracle: per fine bin, (Σ v + k · global mean) / (n_b + k) over the labelled rows. */
function shrunkMeans(edges: readonly number[], rows: { prediction: number; label: number }[], value: (e: number) => number): number[] {
  const bins = edges.length + 1;
  const n = new Array<number>(bins).fill(0);
  const sum = new Array<number>(bins).fill(0);
  for (const r of rows) {
    const b = binIndex(edges, r.prediction);
    n[b]++;
    sum[b] += value(r.prediction - r.label);
  }
  const global = sum.reduce((s, v) => s + v, 0) / rows.length;
  return n.map((count, b) => (sum[b] + ERROR_MAP_PRIOR_ROWS * global) / (count + ERROR_MAP_PRIOR_ROWS));
}

describe('the reference error map (label_column, regression)', () => {
  it.each([
    ['continuous', (v: number) => v],
    ['tie-heavy (predictions rounded to 0.5)', (v: number) => Math.round(v * 2) / 2],
  ])('equals the shrunk per-bin mean |e| and e² of the raw rows, %s (1e-9)', async (_, round) => {
    await withTempDir(async (dir) => {
      const random = seededRandom(11);
      const rows = Array.from({ length: 4000 }, () => {
        const r = regressionRow(random, 0);
        return { x: r.x, prediction: round(r.prediction), label: r.label };
      });
      const path = join(dir, 'train.jsonl');
      await writeFile(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const model = makeModel({ task: 'regression', features: [{ name: 'x', type: 'numeric' }] });
      model.reference_build = { ...model.reference_build, label_column: 'label', performance_chunk_rows: 500 };
      const reference = { ...(await buildReference({ model, dataPath: path, now: new Date(0) })), checksum: '0'.repeat(64) };
      const map = reference.error_map!;
      const edges = fineEdges(reference);
      expect(map.method).toBe('binned_residuals');
      expect(map.prior_rows).toBe(ERROR_MAP_PRIOR_ROWS);
      expect(map.rows.reduce((s, v) => s + v, 0)).toBe(rows.length);
      const absolute = shrunkMeans(edges, rows, Math.abs);
      const squared = shrunkMeans(edges, rows, (e) => e * e);
      for (let b = 0; b <= edges.length; b++) {
        expect(map.absolute[b]).toBeCloseTo(absolute[b], 9);
        expect(map.squared[b]).toBeCloseTo(squared[b], 9);
      }
      // Weighted by the rows, the map gives back the reference's own MAE and MSE.
      const weighted = (values: number[]): number => values.reduce((s, v, b) => s + v * map.rows[b], 0) / rows.length;
      const mae = rows.reduce((s, r) => s + Math.abs(r.prediction - r.label), 0) / rows.length;
      expect(Math.abs(weighted(map.absolute) - mae) / mae).toBeLessThan(0.05);
      const stored = reference;
      expect(referenceProblems(stored)).toEqual([]);
      // A map that does not fit the prediction's bins is a reference problem, not a crash.
      expect(referenceProblems({ ...stored, error_map: { ...map, absolute: map.absolute.slice(1) } }).join('\n')).toContain('error_map.absolute');
      expect(referenceProblems({ ...stored, error_map: { ...map, squared: [-1, ...map.squared.slice(1)] } }).join('\n')).toContain('error_map.squared');
    });
  });

  it('is absent for classifiers and without label_column', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'train.jsonl');
      await writeFile(path, Array.from({ length: 200 }, (_, i) => JSON.stringify({ x: i, prediction: i / 200, label: i % 2 })).join('\n') + '\n');
      const binary = makeModel({ features: [{ name: 'x', type: 'numeric' }] });
      binary.reference_build = { ...binary.reference_build, label_column: 'label' };
      expect((await buildReference({ model: binary, dataPath: path, now: new Date(0) })).error_map).toBeUndefined();
      const unlabelled = makeModel({ task: 'regression', features: [{ name: 'x', type: 'numeric' }] });
      const reference = { ...(await buildReference({ model: unlabelled, dataPath: path, now: new Date(0) })), checksum: '' };
      expect(reference.error_map).toBeUndefined();
      // Without a map the monitor estimates nothing and records as before.
      const monitor = new ModelMonitor(unlabelled, reference, [1], 0);
      expect(monitor.layout.cbpe).toBeNull();
      expect(monitor.record({ features: { x: 1 }, prediction: 0.3 })).toBeNull();
      // A config that names a label column but loads such a reference is told to rebuild it.
      const labelled = { ...unlabelled, reference_build: { ...unlabelled.reference_build, label_column: 'label' } };
      const warnings = modelWarnings(labelled, 0, reference).filter((w) => w.includes('label_column'));
      expect(warnings).toEqual([expect.stringMatching(/no error map \(the estimated MAE and RMSE are off\).*rebuild it/)]);
    });
  });
});

describe('the label-free error estimate on the hot path', () => {
  it('counters per scope equal Σ of the map at each raw event bin; the window MAE and RMSE are their ratios, with the band (1e-9 relative)', async () => {
    await withTempDir(async (dir) => {
      const { config, reference } = await regressionSetup(dir, 8000);
      const fleet = new Fleet(config, new Map([['demand', reference]]), () => 1_000_000);
      const monitor = fleet.models[0].monitor;
      const map = reference.error_map!;
      const edges = fineEdges(reference);
      const scopes = ['model', 'north', 'south', 'canary'] as const;
      const exact = Object.fromEntries(scopes.map((s) => [s, [0, 0, 0]])) as Record<(typeof scopes)[number], number[]>;
      const random = seededRandom(5);
      for (let i = 0; i < 900; i++) {
        const row = regressionRow(random, 0.8);
        const canary = i % 4 === 0;
        // Every 30th event has no value (a null prediction): it adds nothing.
        const prediction = i % 30 === 0 ? null : i % 2 === 0 ? row.prediction : { value: row.prediction };
        expect(monitor.record({ features: { x: row.x, region: row.region }, prediction, ...(canary ? { variant: 'canary' } : {}) })).toBeNull();
        if (prediction === null) continue;
        const b = binIndex(edges, row.prediction);
        for (const scope of ['model', row.region, ...(canary ? ['canary' as const] : [])] as const) {
          const sums = exact[scope];
          sums[R_PREDICTIONS]++;
          sums[R_ABSOLUTE] += map.absolute[b];
          sums[R_SQUARED] += map.squared[b];
        }
      }
      const text = await new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false }).render();
      const close = (actual: number, expected: number): void => expect(Math.abs(actual - expected) / Math.max(1, Math.abs(expected))).toBeLessThan(1e-9);
      const names = ['mlwatch_estimated_regression_predictions_total', 'mlwatch_estimated_abs_error_total', 'mlwatch_estimated_squared_error_total'];
      names.forEach((name, k) => {
        close(sampleValue(text, `${name}{model="demand"}`), exact.model[k]);
        for (const region of ['north', 'south'] as const) {
          close(sampleValue(text, `${name.replace('mlwatch_', 'mlwatch_segment_')}{model="demand",segment="region",segment_value="${region}"}`), exact[region][k]);
        }
        close(sampleValue(text, `${name.replace('mlwatch_', 'mlwatch_variant_')}{model="demand",variant="canary"}`), exact.canary[k]);
      });
      const n = exact.model[R_PREDICTIONS];
      const mae = exact.model[R_ABSOLUTE] / n;
      const rmse = Math.sqrt(exact.model[R_SQUARED] / n);
      close(sampleValue(text, 'mlwatch_estimated_performance{model="demand",metric="mae"}'), mae);
      close(sampleValue(text, 'mlwatch_estimated_performance{model="demand",metric="rmse"}'), rmse);
      close(sampleValue(text, 'mlwatch_estimated_performance_window_samples{model="demand"}'), n);
      const performance = reference.performance!;
      const band = 3 * performance.spread.mae.std * Math.sqrt(performance.chunk_rows / n);
      close(sampleValue(text, 'mlwatch_estimated_performance_upper{model="demand",metric="mae"}'), mae + band);
      close(sampleValue(text, 'mlwatch_estimated_performance_lower{model="demand",metric="mae"}'), mae - band);
      // No classifier series for a regression.
      expect(text).not.toContain('mlwatch_estimated_confusion_total{');
      expect(text).not.toContain('metric="accuracy"');
    });
  });

});

interface Tracking {
  realisedMae: number;
  realisedRmse: number;
  estimatedMae: number;
  estimatedRmse: number;
  band: number;
}

/** Windows of `size` events, each through a fresh monitor (its own window), with μ and the noise scale of each window. */
function track(reference: Reference, config: Awaited<ReturnType<typeof regressionSetup>>['config'], windows: { mu: number; noise: number }[], size: number, seed: number): Tracking[] {
  const random = seededRandom(seed);
  return windows.map(({ mu, noise }) => {
    const monitor = new ModelMonitor(config.models[0], reference, [1], 1_000_000);
    const rows: RegressionRow[] = [];
    for (let i = 0; i < size; i++) {
      const row = regressionRow(random, mu, noise);
      rows.push(row);
      monitor.record({ features: { x: row.x, region: row.region }, prediction: row.prediction });
    }
    const window = new Float64Array(monitor.layout.windowWidth);
    monitor.state.model.sumWindowInto(window);
    const estimate = windowEstimator(monitor.layout, monitor.layout.cbpe!).estimate(window);
    const errors = rows.map((r) => r.prediction - r.label);
    return {
      realisedMae: errors.reduce((s, e) => s + Math.abs(e), 0) / size,
      realisedRmse: Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / size),
      estimatedMae: estimate.value.mae,
      estimatedRmse: estimate.value.rmse,
      band: estimate.band.mae,
    };
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

describe('the estimate on a simulated stream', () => {
  // One reference of 20k training rows at μ = 0 for every stream below.
  let world: Awaited<ReturnType<typeof regressionSetup>>;
  beforeAll(async () => {
    world = await withTempDir((dir) => regressionSetup(dir));
  }, 60_000);

  it('tracks the realised MAE and RMSE under a growing covariate shift within the reference range, before any label; the reference MAE alone would not', async () => {
    {
      const { config, reference } = world;
      // μ up to 1.2 SD: most predictions stay inside the reference's fine bins (at 1.2, 13% are past its 99th percentile).
      const windows = Array.from({ length: 48 }, (_, w) => ({ mu: (1.2 * w) / 47, noise: 1 }));
      const result = track(reference, config, windows, 500, 77);
      const maeErrors = result.map((r) => r.estimatedMae - r.realisedMae);
      const relative = result.map((r) => Math.abs(r.estimatedMae - r.realisedMae) / r.realisedMae);
      const rmseRelative = result.map((r) => Math.abs(r.estimatedRmse - r.realisedRmse) / r.realisedRmse);
      const naive = result.map((r) => Math.abs(reference.performance!.metrics.mae! - r.realisedMae) / r.realisedMae);
      const inBand = result.filter((r) => Math.abs(r.estimatedMae - r.realisedMae) <= r.band).length;
      const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
      console.info(
        `regression estimate, 48 windows of 500, μ 0 → 1.2 (realised MAE ${Math.min(...result.map((r) => r.realisedMae)).toFixed(3)}–${Math.max(...result.map((r) => r.realisedMae)).toFixed(3)}): ` +
          `MAE error mean ${mean(maeErrors).toFixed(4)}, relative median ${quantile(relative, 0.5).toFixed(4)}, p90 ${quantile(relative, 0.9).toFixed(4)}, worst ${Math.max(...relative).toFixed(4)}; ` +
          `RMSE relative p90 ${quantile(rmseRelative, 0.9).toFixed(4)}, worst ${Math.max(...rmseRelative).toFixed(4)}; ${inBand}/48 realised MAE within the band; ` +
          `the reference MAE as the estimate: relative p90 ${quantile(naive, 0.9).toFixed(4)}, worst ${Math.max(...naive).toFixed(4)}`,
      );
      // The realised MAE moves a lot (about 0.47 → 0.75); the estimate follows it.
      expect(Math.max(...result.map((r) => r.realisedMae)) / Math.min(...result.map((r) => r.realisedMae))).toBeGreaterThan(1.4);
      expect(Math.abs(mean(maeErrors))).toBeLessThan(0.02);
      expect(quantile(relative, 0.9)).toBeLessThan(0.08);
      expect(Math.max(...relative)).toBeLessThan(0.12);
      expect(quantile(rmseRelative, 0.9)).toBeLessThan(0.1);
      expect(inBand).toBeGreaterThanOrEqual(44);
      expect(quantile(naive, 0.9)).toBeGreaterThan(3 * quantile(relative, 0.9));
    }
  });

  it('past the reference range it under-states: the outermost bin holds the error of the reference extreme rows', async () => {
    {
      const { config, reference } = world;
      // μ = 2 SD: about 37% of the predictions fall in the reference's top fine bin, whose rows sit near its lower end.
      const [far] = track(reference, config, [{ mu: 2, noise: 1 }], 4000, 79);
      const relative = (far.estimatedMae - far.realisedMae) / far.realisedMae;
      console.info(`regression estimate at μ = 2 (past the reference range): MAE ${far.estimatedMae.toFixed(3)} estimated, ${far.realisedMae.toFixed(3)} realised (${(100 * relative).toFixed(1)}%)`);
      expect(relative).toBeLessThan(-0.1);
      expect(relative).toBeGreaterThan(-0.3);
    }
  });

  it('cannot see concept drift: the same predictions with twice the noise leave the estimate where it was', async () => {
    {
      const { config, reference } = world;
      const [before, after] = track(reference, config, [{ mu: 0, noise: 1 }, { mu: 0, noise: 2 }], 2000, 78);
      expect(after.realisedMae / before.realisedMae).toBeGreaterThan(1.8);
      expect(Math.abs(after.estimatedMae - before.estimatedMae) / before.estimatedMae).toBeLessThan(0.05);
    }
  });
});
