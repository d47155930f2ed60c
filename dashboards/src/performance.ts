// Performance: the realised metric from joined labels, the label-free estimate (CBPE) with its
// band and the reference's own value and spread, how many predictions get a label and how late,
// the confusion matrices (realised and expected), the join store's health, and the metric per
// variant and per segment value.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { base } from './dashboard-base.js';
import { organize, statPanel, tablePanel, timeSeries } from './panels.js';
import { MODEL, histogramQuantile, selector, sumRate } from './promql.js';
import { performanceMetricVariable, segmentVariable, variantVariable } from './variables.js';

const METRIC = 'metric="$metric"';

export function performanceDashboard(): dashboard.DashboardBuilder {
  const builder = base(
    'mlwatch-performance',
    'mlwatch / Performance',
    'Realised performance from ground-truth labels against the label-free estimate (CBPE) and the reference, label coverage and lag, confusion matrices, the label join store, per variant and segment.',
  )
    .withVariable(performanceMetricVariable())
    .withVariable(variantVariable())
    .withVariable(segmentVariable());
  overTimeRow(builder);
  labelsRow(builder);
  confusionRow(builder);
  storeRow(builder);
  slicesRow(builder);
  return builder;
}

function overTimeRow(builder: dashboard.DashboardBuilder): void {
  const gauge = (key: 'performance' | 'estimatedPerformance' | 'estimatedPerformanceLower' | 'estimatedPerformanceUpper' | 'referencePerformance' | 'referencePerformanceLower' | 'referencePerformanceUpper') =>
    `max by (model) (${selector(key, [MODEL, METRIC])})`;
  builder
    .withRow(new dashboard.RowBuilder('Performance over time'))
    .withPanel(
      timeSeries({
        title: 'Realised, estimated and reference: $metric',
        description:
          'Realised: the metric over the joined labels of the drift window (mlwatch_performance; absent without labels). Estimated: the label-free CBPE estimate over the same window with its ±3 SE band (mlwatch_estimated_performance; binary classifiers with a calibrated reference). Reference: the metric on the reference\'s labelled rows with its 5%-95% band over reference chunks. After an input drift the estimate falls first; the realised value follows once the labels arrive. An estimate that departs from the realised value means the calibration no longer holds (MLWatchEstimateRealisedGap).',
        unit: 'percentunit',
        width: 16,
        height: 10,
        queries: [
          { expr: gauge('performance'), legend: '{{model}} realised' },
          { expr: gauge('estimatedPerformance'), legend: '{{model}} estimated' },
          { expr: gauge('estimatedPerformanceLower'), legend: '{{model}} estimated −3 SE' },
          { expr: gauge('estimatedPerformanceUpper'), legend: '{{model}} estimated +3 SE' },
          { expr: gauge('referencePerformance'), legend: '{{model}} reference' },
          { expr: gauge('referencePerformanceLower'), legend: '{{model}} reference 5%' },
          { expr: gauge('referencePerformanceUpper'), legend: '{{model}} reference 95%' },
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Estimate − realised: $metric',
        description:
          'The label-free estimate minus the realised value over the drift window: near 0 while the reference\'s calibration holds; MLWatchEstimateRealisedGap fires at 0.05 apart (accuracy) with enough labels.',
        unit: 'percentunit',
        width: 8,
        height: 10,
        queries: [
          {
            expr: `max by (model) (${selector('estimatedPerformance', [MODEL, METRIC])})\n- on (model)\nmax by (model) (${selector('performance', [MODEL, METRIC])})`,
            legend: '{{model}}',
          },
        ],
        thresholds: [{ value: 0.05, color: 'red' }],
      }),
    );
}

function labelsRow(builder: dashboard.DashboardBuilder): void {
  builder
    .withRow(new dashboard.RowBuilder('Labels: coverage and lag'))
    .withPanel(
      timeSeries({
        title: 'Label coverage',
        description:
          'Labels joined per prediction with an id (mlwatch_labels_joined_total / mlwatch_predictions_with_id_total) over the rate interval: with a label lag, the labels joined now belong to older predictions, so read it over a range longer than the lag. MLWatchLabelCoverageLow fires below 50% over 6h.',
        unit: 'percentunit',
        width: 8,
        queries: [
          {
            expr: `${sumRate(['model'], selector('labelsJoined'))}\n/ on (model)\n${sumRate(['model'], selector('predictionsWithId'))}`,
            legend: '{{model}}',
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Label lag',
        description: 'Time from a prediction to its label (the label\'s timestamp, else its arrival), p50 and p90 from mlwatch_label_lag_seconds. MLWatchLabelLagHigh fires at p90 ≥ 12h over 6h.',
        unit: 's',
        width: 8,
        queries: [
          { expr: histogramQuantile(0.5, 'labelLag'), legend: '{{model}} p50' },
          { expr: histogramQuantile(0.9, 'labelLag'), legend: '{{model}} p90' },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Labels received, joined and unmatched',
        description:
          'Label items per second at the labels endpoint, those joined to a prediction, and those not joined by reason (invalid, duplicate, expired, unknown_id, evicted); beside them the predictions with an id a label can join. MLWatchLabelsStopped fires when labels stop while predictions with ids go on.',
        unit: 'reqps',
        width: 8,
        queries: [
          { expr: sumRate(['model'], selector('predictionsWithId')), legend: '{{model}} predictions with an id' },
          { expr: sumRate(['model'], selector('labelsReceived')), legend: '{{model}} received' },
          { expr: sumRate(['model'], selector('labelsJoined')), legend: '{{model}} joined' },
          { expr: sumRate(['model', 'reason'], selector('labelsUnmatched')), legend: '{{model}} unmatched {{reason}}' },
        ],
      }),
    );
}

function confusionRow(builder: dashboard.DashboardBuilder): void {
  builder
    .withRow(new dashboard.RowBuilder('Confusion matrices'))
    .withPanel(
      tablePanel(
        {
          title: 'Realised confusion matrix',
          description: 'Joined labels by actual class (the label) and predicted class since each mlwatch started, summed over the selected replicas (mlwatch_confusion_total). The recording rules in alert-rules/performance.rules.yml give it over the last hour.',
          unit: 'short',
          width: 12,
          queries: [{ expr: `sum by (model, actual, predicted) (${selector('confusion')})`, instant: true, table: true }],
        },
        [organize(['Time'], { Value: 'labels' })],
      ),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Expected confusion counts (no labels)',
          description: 'The label-free estimate\'s expected outcomes (tp, fp, fn, tn of the positive class; of every class, one-vs-rest, for a multiclass model) since each mlwatch started: each scored prediction adds its calibrated probability p to tp or fn and 1 − p to fp or tn (mlwatch_estimated_confusion_total).',
          unit: 'short',
          width: 12,
          queries: [{ expr: `sum by (model, class, outcome) (${selector('estimatedConfusion')})`, instant: true, table: true }],
        },
        [organize(['Time'], { Value: 'expected' })],
      ),
    );
}

function storeRow(builder: dashboard.DashboardBuilder): void {
  builder
    .withRow(new dashboard.RowBuilder('Label join store'))
    .withPanel(
      timeSeries({
        title: 'Records waiting in the join store',
        description: 'Predictions waiting for their label and labels waiting for their prediction (mlwatch_label_store_pending), per replica; at max_pending_labels the oldest are evicted.',
        unit: 'short',
        width: 8,
        queries: [{ expr: `sum by (model, instance, kind) (${selector('labelStorePending')})`, legend: '{{model}} {{instance}} {{kind}}' }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Join store evictions',
        description: 'Waiting predictions or labels pushed out by max_pending_labels per second (mlwatch_label_store_evictions_total): an evicted prediction never gets its label. MLWatchLabelStoreEvicting fires at the first one.',
        unit: 'ops',
        width: 8,
        queries: [{ expr: sumRate(['model', 'kind'], selector('labelStoreEvictions')), legend: '{{model}} {{kind}}' }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Join store memory',
        description: 'Bytes of the in-process join store\'s arrays per replica (mlwatch_label_store_bytes), fixed by max_pending_labels once the first id or label came.',
        unit: 'bytes',
        width: 8,
        queries: [{ expr: `sum by (model, instance) (${selector('labelStoreBytes')})`, legend: '{{model}} {{instance}}' }],
      }),
    );
}

function slicesRow(builder: dashboard.DashboardBuilder): void {
  builder
    .withRow(new dashboard.RowBuilder('Variants and segments'))
    .withPanel(
      timeSeries({
        title: 'Realised $metric per variant',
        description: 'The realised metric over the joined labels of each variant\'s drift window (mlwatch_variant_performance): does the canary or challenger do as well as the default variant on its own traffic? Empty for models without variants or without labels.',
        unit: 'percentunit',
        width: 12,
        queries: [{ expr: `max by (model, variant) (${selector('variantPerformance', [MODEL, 'variant=~"$variant"', METRIC])})`, legend: '{{model}} {{variant}}' }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Realised $metric per segment value',
        description: 'The realised metric over the joined labels of each segment value\'s drift window (mlwatch_segment_performance): which segment the model got worse on. Empty for models without segments or without labels.',
        unit: 'percentunit',
        width: 12,
        queries: [
          {
            expr: `max by (model, segment, segment_value) (${selector('segmentPerformance', [MODEL, 'segment=~"$segment"', METRIC])})`,
            legend: '{{model}} {{segment}}={{segment_value}}',
          },
        ],
      }),
    );
}
