// Performance without labels (CBPE): the expected confusion counters of every scope (model,
// variant, segment value; per class, one-vs-rest, for multiclass) or a regression's expected
// error sums, read from the cells, and the model's estimate over its drift window
// with the ±3 SE band, computed at scrape from the summed window (buffers made once).
import { windowEstimator, type WindowEstimator } from '../../monitor/cbpe-estimate.js';
import { EXPECTED_COUNTS, EXPECTED_OUTCOMES, R_ABSOLUTE, R_PREDICTIONS, R_SQUARED, type CbpeLayout } from '../../monitor/cbpe-layout.js';
import type { CellReader } from '../../monitor/cell-reader.js';
import type { Fleet } from '../../monitor/fleet.js';
import { ESTIMATED_METRICS } from '../../stats/cbpe.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import type { Sample } from '../family.js';
import { ScopeSamples, ScopedFamilies, scopesOf } from '../scopes.js';

interface CounterBinding {
  sample: Sample;
  reader: CellReader;
  outcome: number;
}

interface WindowBinding {
  reader: CellReader;
  estimator: WindowEstimator;
  window: Float64Array;
  minSamples: number;
  model: string;
}

export class EstimateCollector implements Collector {
  readonly name = 'estimate';
  private readonly scoped = new ScopedFamilies(['estimatedConfusion', 'estimatedRegressionPredictions', 'estimatedAbsError', 'estimatedSquaredError'] as const);
  private readonly f = families({
    estimatedPerformance: METRICS.estimatedPerformance,
    estimatedPerformanceLower: METRICS.estimatedPerformanceLower,
    estimatedPerformanceUpper: METRICS.estimatedPerformanceUpper,
    estimatedPerformanceSamples: METRICS.estimatedPerformanceSamples,
  });
  readonly families = [...this.scoped.all(), ...Object.values(this.f)];
  private readonly counters: CounterBinding[] = [];
  private readonly published = new ScopeSamples();
  private readonly windows: WindowBinding[] = [];

  constructor(fleet: Fleet) {
    for (const scope of scopesOf(fleet)) {
      const { layout } = scope.model.monitor;
      if (layout.cbpe === null) continue;
      if (layout.cbpe.kind === 'regression') {
        for (const [key, at] of REGRESSION_COUNTERS) {
          const family = this.scoped.get(scope.kind, key);
          if (family === null) continue;
          const sample = { labels: { ...scope.labels }, value: 0 };
          this.counters.push({ sample, reader: scope.reader, outcome: at });
          this.published.add(family, scope, [sample]);
        }
      } else {
        const family = this.scoped.get(scope.kind, 'estimatedConfusion');
        if (family === null) continue;
        const samples = estimatedClasses(layout.model.classes, layout.cbpe).flatMap(({ name, at }) =>
          EXPECTED_OUTCOMES.map((outcome, k) => {
            const sample = { labels: { ...scope.labels, class: name, outcome }, value: 0 };
            this.counters.push({ sample, reader: scope.reader, outcome: at + k });
            return sample;
          }),
        );
        this.published.add(family, scope, samples);
      }
      if (scope.kind === 'model') {
        this.windows.push({
          reader: scope.reader,
          estimator: windowEstimator(layout, layout.cbpe),
          window: new Float64Array(layout.windowWidth),
          minSamples: layout.model.drift.min_samples,
          model: layout.model.name,
        });
      }
    }
  }

  update(): void {
    for (const c of this.counters) c.sample.value = c.reader.expectedCount(c.outcome);
    this.published.publish();
    for (const family of Object.values(this.f)) family.samples = [];
    for (const w of this.windows) {
      w.reader.sumWindowInto(w.window);
      const estimate = w.estimator.estimate(w.window);
      this.f.estimatedPerformanceSamples.samples.push({ labels: { model: w.model }, value: estimate.n });
      if (estimate.n < w.minSamples) continue;
      for (const metric of ESTIMATED_METRICS) {
        const value = estimate.value[metric];
        if (!Number.isFinite(value)) continue;
        const labels = { model: w.model, metric };
        this.f.estimatedPerformance.samples.push({ labels, value });
        const band = estimate.band[metric];
        if (!Number.isFinite(band)) continue;
        this.f.estimatedPerformanceLower.samples.push({ labels, value: value - band });
        this.f.estimatedPerformanceUpper.samples.push({ labels, value: value + band });
      }
    }
  }
}

/** A regression's counters and where each one's count is in a cell. */
const REGRESSION_COUNTERS = [
  ['estimatedRegressionPredictions', R_PREDICTIONS],
  ['estimatedAbsError', R_ABSOLUTE],
  ['estimatedSquaredError', R_SQUARED],
] as const;

/** The classes the counters are labelled with, and where each one's counts start: a binary model's positive class; every class of a multiclass one. */
function estimatedClasses(classes: readonly string[], cbpe: CbpeLayout): { name: string; at: number }[] {
  if (cbpe.kind === 'binary') return [{ name: classes[1], at: 0 }];
  return classes.map((name, k) => ({ name, at: k * EXPECTED_COUNTS }));
}
