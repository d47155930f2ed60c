// Alerts on model performance, against the reference's own performance and its spread over
// reference chunks (reference_build.label_column): the label-free estimate (CBPE) fallen below
// what the reference does, which fires before any label arrives.
// Inputs are gauges, read through heldGauge so a failed scrape does not resolve them.
import { fullWindow, heldGauge, indent, labelList } from './promql.js';
import { alertRule, type AlertRule } from './rule.js';
import type { AlertThresholds } from './thresholds.js';

export function performanceAlerts(t: AlertThresholds): AlertRule[] {
  const { alerts } = t;
  const on = `on (${labelList(t.target_labels, 'model', 'metric')})`;
  return [
    alertRule(t, 'MLWatchEstimatedPerformanceDrop', alerts.MLWatchEstimatedPerformanceDrop, {
      // Even the top of the estimate's ±3 SE band is below the reference's 5% chunk quantile.
      // The estimate is absent below min_samples; the guard spells it out.
      expr: [
        '(',
        indent(heldGauge(t, 'mlwatch_estimated_performance_upper{metric="accuracy"}')),
        `    < ${on}`,
        indent(heldGauge(t, 'mlwatch_reference_performance_lower{metric="accuracy"}')),
        ')',
        `and on (${labelList(t.target_labels, 'model')})`,
        '(',
        indent(fullWindow(t, 'mlwatch_estimated_performance_window_samples')),
        ')',
      ].join('\n'),
      summary: 'The estimated accuracy (no labels needed) fell below what the model does on its reference.',
      description:
        'The label-free estimate of the accuracy of model {{ $labels.model }} on {{ $labels.instance }} is at most ' +
        '{{ printf "%.3f" $value }} (the top of its 3-SE band), below the 5% quantile of its accuracy over reference chunks: ' +
        'the inputs moved to where the model is less sure; look at the drifted features.',
    }),
  ];
}
