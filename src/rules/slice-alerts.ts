// Alerts on slices: a segment value whose feature drifted while the model as a whole did not
// (the "which segment went wrong" page, carrying segment and segment_value), and a variant —
// a canary, a challenger — whose predictions diverge from the default variant's over the same
// window. Inputs are gauges, read through heldGauge so a failed scrape does not resolve them.
import { GROUP_LEFT, fullWindow, heldGauge, indent, labelList, num } from './promql.js';
import { alertRule, type AlertRule } from './rule.js';
import type { AlertThresholds } from './thresholds.js';

const METHOD_TEXT = { psi: 'PSI', jensen_shannon: 'Jensen-Shannon distance' } as const;

export function sliceAlerts(t: AlertThresholds): AlertRule[] {
  const { alerts } = t;
  const divergence = alerts.MLWatchVariantPredictionDivergence;
  const threshold = heldGauge(t, `mlwatch_drift_threshold{method="${divergence.method}"}`);
  const level = divergence.threshold_multiplier === 1 ? threshold : `${num(divergence.threshold_multiplier)} * ${threshold}`;
  const levelText =
    divergence.threshold_multiplier === 1
      ? `the model's ${METHOD_TEXT[divergence.method]} drift threshold`
      : `${num(divergence.threshold_multiplier)} x the model's ${METHOD_TEXT[divergence.method]} drift threshold`;
  return [
    alertRule(t, 'MLWatchSegmentFeatureDrift', alerts.MLWatchSegmentFeatureDrift, {
      // mlwatch's own decision: beyond the threshold and the segment's noise level at its n.
      expr: [
        '(',
        indent(`${heldGauge(t, 'mlwatch_segment_feature_drifted')} == 1`),
        `  unless on (${labelList(t.target_labels, 'model', 'feature')})`,
        indent(`${heldGauge(t, 'mlwatch_feature_drifted')} == 1`),
        ')',
        `and on (${labelList(t.target_labels, 'model', 'segment', 'segment_value', 'feature')})`,
        '(',
        indent(fullWindow(t, 'mlwatch_segment_feature_drift_window_samples')),
        ')',
      ].join('\n'),
      summary: 'A feature drifted in one segment while the model as a whole did not.',
      description:
        'Feature {{ $labels.feature }} of model {{ $labels.model }} on {{ $labels.instance }} drifted where ' +
        '{{ $labels.segment }} = {{ $labels.segment_value }}, while it has not drifted over all traffic: ' +
        'look at what changed for that segment (a new source, a pipeline, a market).',
    }),
    alertRule(t, 'MLWatchVariantPredictionDivergence', divergence, {
      // Absent until both windows hold min_samples; the guard spells out the variant's side.
      expr: [
        '(',
        `  ${heldGauge(t, `mlwatch_variant_prediction_divergence{method="${divergence.method}"}`)}`,
        `    >= on (${labelList(t.target_labels, 'model', 'method')}) ${GROUP_LEFT}`,
        `  ${level}`,
        ')',
        `and on (${labelList(t.target_labels, 'model', 'variant')})`,
        '(',
        indent(fullWindow(t, 'mlwatch_variant_prediction_drift_window_samples')),
        ')',
      ].join('\n'),
      summary: "A variant's predictions diverge from the default variant's.",
      description:
        'Predictions of variant {{ $labels.variant }} of model {{ $labels.model }} on {{ $labels.instance }} diverge from ' +
        `the default variant's over the same window: {{ $labels.method }} {{ printf "%.3g" $value }} is at or above ${levelText}. ` +
        'Hold the rollout and compare the two versions.',
    }),
  ];
}
