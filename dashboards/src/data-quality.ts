// Data quality: per feature, the share of accepted events whose value was missing, of the
// wrong type, out of range or non-finite — ratios of counters, so they read the same at
// any traffic level — and the same checks on the model's output.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MetricKey } from '../../src/metrics/definitions.js';
import { base } from './dashboard-base.js';
import { MERGE, organize, tablePanel, timeSeries, type Query } from './panels.js';
import { FEATURE, MODEL, metric, selector, shareOfEvents, shareOfValues, sumRate } from './promql.js';
import { featureVariable } from './variables.js';

interface QualitySignal {
  key: MetricKey;
  title: string;
  description: string;
  /** What the share is of: every accepted event, or the feature's values of the right type (as the out-of-range alert divides). */
  of: 'events' | 'values';
}

const FEATURE_SIGNALS: readonly QualitySignal[] = [
  {
    key: 'featureMissing',
    title: 'Null rate by feature',
    description: 'Share of accepted events where the feature was null or absent, with the null rate of the training data (reference) for comparison. A jump above it usually means an upstream join or a pipeline step broke.',
    of: 'events',
  },
  {
    key: 'featureTypeErrors',
    title: 'Type-error rate by feature',
    description: 'Share of accepted events whose feature value had the wrong JSON type (a string where a number belongs, no coercion). Usually a serialisation change in the model server.',
    of: 'events',
  },
  {
    key: 'featureOutOfRange',
    title: 'Out-of-range rate by feature',
    description: 'Share of the feature\'s values of the right type that fell outside the configured (else reference) range, or whose category is not allowed (else unseen in the reference) — the share MLWatchFeatureOutOfRange alerts on. A unit change (ms to s) shows here first.',
    of: 'values',
  },
  {
    key: 'featureNonFinite',
    title: 'Non-finite rate by feature',
    description: 'Share of accepted events whose feature value was NaN or Infinity: a numerical problem upstream (division by zero, overflow).',
    of: 'events',
  },
];

const PREDICTION_SIGNALS: readonly { key: MetricKey; name: string }[] = [
  { key: 'predictionMissing', name: 'missing' },
  { key: 'predictionTypeErrors', name: 'type error' },
  { key: 'predictionOutOfRange', name: 'out of range' },
  { key: 'predictionNonFinite', name: 'non-finite' },
];

/** The signal's share per (model, feature), over the same denominator as its alert. */
function share(signal: QualitySignal): string {
  const by = ['model', 'feature'];
  return signal.of === 'values' ? shareOfValues(signal.key, by, [MODEL, FEATURE]) : shareOfEvents(signal.key, by, [MODEL, FEATURE]);
}

function featurePanel(signal: QualitySignal): cog.Builder<dashboard.Panel> {
  const queries: Query[] = [{ expr: share(signal), legend: '{{model}} {{feature}}' }];
  // Some nulls are normal: the reference's own null rate is the line to compare with.
  if (signal.key === 'featureMissing') {
    queries.push({ expr: `max by (model, feature) (${selector('featureReferenceMissingRatio', [MODEL, FEATURE])})`, legend: '{{model}} {{feature}} in reference' });
  }
  return timeSeries({
    title: signal.title,
    description: `${signal.description} Ratio of ${metric(signal.key)} to ${metric(signal.of === 'values' ? 'featureValues' : 'predictions')} over $__rate_interval.`,
    unit: 'percentunit',
    width: 12,
    min: 0,
    queries,
  });
}

export function dataQualityDashboard(): dashboard.DashboardBuilder {
  const builder = base('mlwatch-data-quality', 'mlwatch / Data quality', 'Per-feature null, type-error, out-of-range and non-finite rates, and the same checks on predictions.')
    .withVariable(featureVariable())
    .withRow(new dashboard.RowBuilder('Now'))
    .withPanel(
      tablePanel(
        {
          title: 'Feature quality now',
          description: 'For each feature, the share of recent events (last $__rate_interval) that were null, of the wrong type or non-finite, and the share of its well-typed values out of range (as the alerts compute them). Sort a column to find the worst feature.',
          unit: 'percentunit',
          width: 24,
          height: 8,
          queries: FEATURE_SIGNALS.map((s) => ({ expr: share(s), instant: true, table: true })),
        },
        [
          MERGE,
          organize(['Time'], Object.fromEntries(FEATURE_SIGNALS.map((s, i) => [`Value #${String.fromCharCode(65 + i)}`, s.title.replace(' by feature', '')]))),
        ],
      ),
    )
    .withRow(new dashboard.RowBuilder('Features over time'));
  for (const signal of FEATURE_SIGNALS) builder.withPanel(featurePanel(signal));
  builder
    .withRow(new dashboard.RowBuilder('Predictions'))
    .withPanel(
      timeSeries({
        title: 'Prediction problem rate',
        description: 'Share of accepted events whose prediction was missing, of the wrong type (e.g. a string score), out of range (outside the range, or a class label not among the configured classes), or NaN/Infinity.',
        unit: 'percentunit',
        width: 12,
        min: 0,
        queries: PREDICTION_SIGNALS.map((s) => ({
          expr: `${sumRate(['model'], selector(s.key))}\n/ ${sumRate(['model'], selector('predictions'))}`,
          legend: `{{model}} ${s.name}`,
        })),
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Feature values received per second',
        description: 'Feature values of the right type received per second, per feature (in or out of range). The denominator-side view: a feature whose line falls below the prediction rate is often missing.',
        unit: 'ops',
        width: 12,
        queries: [{ expr: sumRate(['model', 'feature'], selector('featureValues', [MODEL, FEATURE])), legend: '{{model}} {{feature}}' }],
      }),
    );
  return builder;
}
