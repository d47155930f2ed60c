// Realised performance per scope (the model, each variant, each segment value): the confusion
// counters, the (score bin, actual) counters of a scored binary model, a regression's error
// sums — cumulative, so PromQL takes any range — and the window gauges computed here from the
// same counts over the drift window. A slice is exported once it has joined a label.
import type { Fleet, MonitoredModel } from '../../monitor/fleet.js';
import type { CellPerformance } from '../../monitor/labels/cell-performance.js';
import {
  REGRESSION_ABS_ERROR,
  REGRESSION_COUNT,
  REGRESSION_LABEL_NEGATIVE,
  REGRESSION_LABEL_POSITIVE,
  REGRESSION_LABEL_SQUARED,
  REGRESSION_SQUARED_ERROR,
  confusionIndex,
  regressionIndex,
  scoreBinIndex,
  type PerformanceLayout,
} from '../../monitor/labels/performance-layout.js';
import { binnedRocAuc, classificationScores, regressionScores } from '../../stats/realised-performance.js';
import { PERFORMANCE_KEYS } from '../definitions.js';
import { formatLe, type MetricFamily, type Sample } from '../family.js';
import type { Collector } from '../collector.js';
import { ScopedFamilies, scopesOf, type Scope } from '../scopes.js';

/** A counter sample and where its value lives in the scope's performance arrays. */
interface Counter {
  sample: Sample;
  at: number;
}

interface Gauge {
  sample: Sample;
  metric: string;
}

interface ScopePerformance {
  layout: PerformanceLayout;
  /** The cells whose counts make this scope (the variants' cells for the whole model). */
  cells: CellPerformance[];
  /** The whole model always; a slice once it has joined a label. */
  always: boolean;
  groups: { family: MetricFamily; samples: Sample[] }[];
  counters: Counter[];
  /** Per score bin, the negatives of the lower bins (a running sum of the bins' counters). */
  negativesBelow: Sample[];
  negativeClass: number;
  gauges: Gauge[];
  totals: Float64Array;
  window: Float64Array;
}

const CLASSIFICATION_GAUGES = ['accuracy', 'precision', 'recall', 'f1'] as const;
const REGRESSION_GAUGES = ['mae', 'rmse', 'r2'] as const;

export class RealisedPerformanceCollector implements Collector {
  readonly name = 'realised_performance';
  private readonly scoped = new ScopedFamilies(PERFORMANCE_KEYS);
  readonly families = this.scoped.all();
  private readonly scopes: ScopePerformance[] = [];

  constructor(fleet: Fleet) {
    for (const scope of scopesOf(fleet)) this.scopes.push(this.bind(scope));
  }

  private bind(scope: Scope): ScopePerformance {
    const labels = scope.model.monitor.state.labels;
    const layout = labels.performanceLayout;
    const made: ScopePerformance = {
      layout,
      cells: cellsOf(scope.model, scope),
      always: scope.kind === 'model',
      groups: [],
      counters: [],
      negativesBelow: [],
      negativeClass: 0,
      gauges: [],
      totals: new Float64Array(layout.width),
      window: new Float64Array(layout.width),
    };
    const group = (key: (typeof PERFORMANCE_KEYS)[number]): Sample[] => {
      const family = this.scoped.get(scope.kind, key);
      const samples: Sample[] = [];
      if (family) made.groups.push({ family, samples });
      return samples;
    };
    const counter = (samples: Sample[], extra: Record<string, string>, at: number): void => {
      const sample = { labels: { ...scope.labels, ...extra }, value: 0 };
      samples.push(sample);
      made.counters.push({ sample, at });
    };
    const model = scope.model.monitor.layout;
    if (layout.task === 'classification') {
      const names = model.classNames;
      const confusion = group('confusion');
      for (let a = 0; a < layout.classes; a++) {
        for (let p = 0; p < layout.predicted; p++) counter(confusion, { actual: names[a], predicted: names[p] }, confusionIndex(layout, a, p));
      }
      const bins = group('labelScoreBin');
      const below = group('labelScoreNegativesBelow');
      const upper = layout.scoreUpper;
      const negative = 1 - layout.positive;
      for (let b = 0; b < upper.length; b++) {
        const bounds = { lower: b === 0 ? '-Inf' : formatLe(upper[b - 1]), upper: formatLe(upper[b]) };
        for (let a = 0; a < 2; a++) counter(bins, { ...bounds, actual: names[a], positive: a === layout.positive ? 'true' : 'false' }, scoreBinIndex(layout, b, a));
        const sample = { labels: { ...scope.labels, ...bounds }, value: 0 };
        below.push(sample);
        made.negativesBelow.push(sample);
      }
      made.negativeClass = negative;
    } else {
      counter(group('regressionLabels'), {}, regressionIndex(layout, REGRESSION_COUNT));
      counter(group('regressionAbsError'), {}, regressionIndex(layout, REGRESSION_ABS_ERROR));
      counter(group('regressionSquaredError'), {}, regressionIndex(layout, REGRESSION_SQUARED_ERROR));
      const magnitude = group('regressionLabelMagnitude');
      counter(magnitude, { sign: 'positive' }, regressionIndex(layout, REGRESSION_LABEL_POSITIVE));
      counter(magnitude, { sign: 'negative' }, regressionIndex(layout, REGRESSION_LABEL_NEGATIVE));
      counter(group('regressionLabelSquared'), {}, regressionIndex(layout, REGRESSION_LABEL_SQUARED));
    }
    const gauges = group('performance');
    const metrics: readonly string[] = layout.task === 'regression'
      ? REGRESSION_GAUGES
      : layout.scoreUpper.length > 0 ? [...CLASSIFICATION_GAUGES, 'roc_auc'] : CLASSIFICATION_GAUGES;
    for (const metric of metrics) {
      const sample = { labels: { ...scope.labels, metric }, value: NaN };
      gauges.push(sample);
      made.gauges.push({ sample, metric });
    }
    return made;
  }

  update(): void {
    for (const family of this.families) family.samples = [];
    for (const s of this.scopes) {
      sumTotals(s);
      if (!s.always && !hasJoins(s)) continue;
      for (const c of s.counters) c.sample.value = s.totals[c.at];
      let below = 0;
      for (let b = 0; b < s.negativesBelow.length; b++) {
        s.negativesBelow[b].value = below;
        below += s.totals[scoreBinIndex(s.layout, b, s.negativeClass)];
      }
      this.fillGauges(s);
      for (const g of s.groups) {
        if (g.family.type !== 'gauge') {
          for (const sample of g.samples) g.family.samples.push(sample);
          continue;
        }
        for (const sample of g.samples) if (!Number.isNaN(sample.value)) g.family.samples.push(sample);
      }
    }
  }

  private fillGauges(s: ScopePerformance): void {
    const { layout, window } = s;
    const values: Record<string, number> = {};
    if (layout.task === 'regression') {
      const r = regressionScores({
        count: window[regressionIndex(layout, REGRESSION_COUNT)],
        absError: window[regressionIndex(layout, REGRESSION_ABS_ERROR)],
        squaredError: window[regressionIndex(layout, REGRESSION_SQUARED_ERROR)],
        labelSum: window[regressionIndex(layout, REGRESSION_LABEL_POSITIVE)] - window[regressionIndex(layout, REGRESSION_LABEL_NEGATIVE)],
        labelSquaredSum: window[regressionIndex(layout, REGRESSION_LABEL_SQUARED)],
      });
      values.mae = r.mae;
      values.rmse = r.rmse;
      values.r2 = r.r2;
    } else {
      const c = classificationScores(window, layout.classes, layout.predicted, layout.positive);
      values.accuracy = c.accuracy;
      values.precision = c.precision;
      values.recall = c.recall;
      values.f1 = c.f1;
      const bins = layout.scoreUpper.length;
      if (bins > 0) {
        const negatives = new Float64Array(bins);
        const positives = new Float64Array(bins);
        for (let b = 0; b < bins; b++) {
          negatives[b] = window[scoreBinIndex(layout, b, 0)];
          positives[b] = window[scoreBinIndex(layout, b, 1)];
        }
        values.roc_auc = binnedRocAuc(negatives, positives);
      }
    }
    for (const g of s.gauges) g.sample.value = values[g.metric] ?? NaN;
  }
}

/** The performance cells of a scope: the variants' for the whole model, else the slice's own. */
function cellsOf(model: MonitoredModel, scope: Scope): CellPerformance[] {
  const state = model.monitor.state;
  const index = state.index;
  const cells = state.labels.cells;
  if (scope.kind === 'model') return index.variantNames.map((_, v) => cells[index.variantCell(v)]);
  if (scope.kind === 'variant') return [cells[index.variantCell(index.variantNames.indexOf(scope.labels.variant))]];
  const s = index.segments.findIndex((segment) => segment.feature === scope.labels.segment);
  return [cells[index.segmentCell(s, index.segments[s].values.indexOf(scope.labels.segment_value))]];
}

function sumTotals(s: ScopePerformance): void {
  s.totals.fill(0);
  s.window.fill(0);
  const scratch = new Float64Array(s.layout.width);
  for (const cell of s.cells) {
    for (let i = 0; i < s.totals.length; i++) s.totals[i] += cell.totals[i];
    cell.window.sumInto(scratch);
    for (let i = 0; i < s.window.length; i++) s.window[i] += scratch[i];
  }
}

function hasJoins(s: ScopePerformance): boolean {
  for (let i = 0; i < s.totals.length; i++) if (s.totals[i] > 0) return true;
  return false;
}
