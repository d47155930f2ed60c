// Alerts on model performance, against the reference's own performance and its spread over
// reference chunks (reference_build.label_column): the label-free estimate (CBPE, or a
// regression's expected error) worse than what the reference does, which fires before any label arrives; the realised performance from
// joined labels worse than the reference beyond its spread; the estimate disagreeing with the
// realised accuracy (the calibration no longer holds).
// Inputs are gauges, read through heldGauge so a failed scrape does not resolve them.
import { fullWindow, heldGauge, indent, labelList, num } from './promql.js';
import { alertRule, type AlertRule } from './rule.js';
import type { AlertThresholds, WindowCountSettings } from './thresholds.js';

/** The models with at least min_count labels joined in rate_window: the realised metrics' guard. */
export function enoughLabels(t: AlertThresholds, settings: WindowCountSettings): string {
  const model = labelList(t.target_labels, 'model');
  return `sum by (${model}) (increase(mlwatch_labels_joined_total[${settings.rate_window}])) >= ${num(settings.min_count)}`;
}

export function performanceAlerts(t: AlertThresholds): AlertRule[] {
  const { alerts } = t;
  return [
    alertRule(t, 'MLWatchEstimatedPerformanceDrop', alerts.MLWatchEstimatedPerformanceDrop, {
      // Classifiers: even the top of the estimate's ±3 SE band is below the reference's 5% chunk
      // quantile of accuracy. Regressions: even the bottom of the estimated RMSE's band is above
      // the reference's 95% quantile. The estimate is absent below min_samples; the guard spells it out.
      expr: [
        ...beyondReference(t, [
          ['mlwatch_estimated_performance_upper{metric="accuracy"}', '<', 'mlwatch_reference_performance_lower{metric="accuracy"}'],
          ['mlwatch_estimated_performance_lower{metric="rmse"}', '>', 'mlwatch_reference_performance_upper{metric="rmse"}'],
        ]),
        `and on (${labelList(t.target_labels, 'model')})`,
        '(',
        indent(fullWindow(t, 'mlwatch_estimated_performance_window_samples')),
        ')',
      ].join('\n'),
      summary: 'The estimated performance (no labels needed) is worse than what the model does on its reference.',
      description:
        'The label-free estimate of the {{ $labels.metric }} of model {{ $labels.model }} on {{ $labels.instance }} is ' +
        '{{ printf "%.3f" $value }} at its most favourable (the near edge of its 3-SE band), outside the 5%-95% range of its ' +
        '{{ $labels.metric }} over reference chunks: the inputs moved to where the model does worse; look at the drifted features.',
    }),
    realisedBelowReference(t),
    estimateRealisedGap(t),
  ];
}

/** `(a < b) or (c > d) …`: each comparison of two held gauges matched on the target, model and metric. */
function beyondReference(t: AlertThresholds, comparisons: readonly (readonly [string, '<' | '>', string])[]): string[] {
  const on = `on (${labelList(t.target_labels, 'model', 'metric')})`;
  const parts = comparisons.map(([left, op, right]) => ['  (', indent(heldGauge(t, left), 4), `      ${op} ${on}`, indent(heldGauge(t, right), 4), '  )'].join('\n'));
  return ['(', parts.join('\n  or\n'), ')'];
}

function realisedBelowReference(t: AlertThresholds): AlertRule {
  const settings = t.alerts.MLWatchRealisedPerformanceBelowReference;
  return alertRule(t, 'MLWatchRealisedPerformanceBelowReference', settings, {
    // Accuracy and F1: below the reference's 5% chunk quantile; RMSE: above its 95%.
    expr: [
      ...beyondReference(t, [
        ['mlwatch_performance{metric=~"accuracy|f1"}', '<', 'mlwatch_reference_performance_lower{metric=~"accuracy|f1"}'],
        ['mlwatch_performance{metric="rmse"}', '>', 'mlwatch_reference_performance_upper{metric="rmse"}'],
      ]),
      `and on (${labelList(t.target_labels, 'model')})`,
      enoughLabels(t, settings),
    ].join('\n'),
    summary: 'The realised performance from ground-truth labels is worse than on the reference, beyond its spread.',
    description:
      'The realised {{ $labels.metric }} of model {{ $labels.model }} on {{ $labels.instance }} is {{ printf "%.3f" $value }}, ' +
      'outside the 5%-95% range of its {{ $labels.metric }} over reference chunks, with at least ' +
      `${num(settings.min_count)} labels joined in the last ${settings.rate_window}: the model does worse than at training.`,
  });
}

function estimateRealisedGap(t: AlertThresholds): AlertRule {
  const gap = t.alerts.MLWatchEstimateRealisedGap;
  const on = `on (${labelList(t.target_labels, 'model', 'metric')})`;
  return alertRule(t, 'MLWatchEstimateRealisedGap', gap, {
    expr: [
      'abs(',
      indent(heldGauge(t, 'mlwatch_estimated_performance{metric="accuracy"}')),
      `    - ${on}`,
      indent(heldGauge(t, 'mlwatch_performance{metric="accuracy"}')),
      `) >= ${num(gap.threshold)}`,
      `and on (${labelList(t.target_labels, 'model')})`,
      enoughLabels(t, gap),
    ].join('\n'),
    summary: 'The label-free accuracy estimate disagrees with the realised accuracy: the calibration no longer holds.',
    description:
      'The estimated and realised accuracy of model {{ $labels.model }} on {{ $labels.instance }} differ by ' +
      `{{ printf "%.3f" $value }} (threshold ${num(gap.threshold)}): the score no longer means what it meant on the reference ` +
      '(concept drift, or another model behind the name); rebuild the reference from recent labelled data before trusting the estimate again.',
  });
}
