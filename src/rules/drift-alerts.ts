// Drift alerts: per feature (warning and critical), on the prediction, and the share of a
// model's features that drifted. Levels are multiples of the model's own exported
// mlwatch_drift_threshold{method}, so a threshold tuned in mlwatch.yaml moves the alert too.
// Every input is a gauge, read through heldGauge so a failed scrape does not resolve them.
import { GROUP_LEFT, fullWindow, heldGauge, indent, labelList, num, percent } from './promql.js';
import { alertRule, type AlertRule } from './rule.js';
import type { AlertThresholds, DriftAlertSettings } from './thresholds.js';

const METHOD_TEXT = { psi: 'PSI', jensen_shannon: 'Jensen-Shannon distance' } as const;

export function driftAlerts(t: AlertThresholds): AlertRule[] {
  const { alerts } = t;
  const dataset = alerts.MLWatchDatasetDrift;
  const model = labelList(t.target_labels, 'model');
  return [
    alertRule(t, 'MLWatchFeatureDriftWarning', alerts.MLWatchFeatureDriftWarning, {
      expr: featureDriftExpr(t, alerts.MLWatchFeatureDriftWarning),
      summary: 'A feature drifted from its training reference.',
      description:
        'Feature {{ $labels.feature }} of model {{ $labels.model }} on {{ $labels.instance }} drifted: ' +
        `{{ $labels.method }} {{ printf "%.3g" $value }} is at or above ${levelText(alerts.MLWatchFeatureDriftWarning)}.`,
    }),
    alertRule(t, 'MLWatchFeatureDriftCritical', alerts.MLWatchFeatureDriftCritical, {
      expr: featureDriftExpr(t, alerts.MLWatchFeatureDriftCritical),
      summary: 'A feature drifted far from its training reference.',
      description:
        'Feature {{ $labels.feature }} of model {{ $labels.model }} on {{ $labels.instance }} drifted far: ' +
        `{{ $labels.method }} {{ printf "%.3g" $value }} is at or above ${levelText(alerts.MLWatchFeatureDriftCritical)}.`,
    }),
    alertRule(t, 'MLWatchPredictionDrift', alerts.MLWatchPredictionDrift, {
      expr: driftExpr(t, alerts.MLWatchPredictionDrift, 'mlwatch_prediction_drift', 'mlwatch_prediction_drift_window_samples', []),
      summary: "The model's predictions drifted from the reference predictions.",
      description:
        'Predictions of model {{ $labels.model }} on {{ $labels.instance }} drifted: ' +
        `{{ $labels.method }} {{ printf "%.3g" $value }} is at or above ${levelText(alerts.MLWatchPredictionDrift)}.`,
    }),
    alertRule(t, 'MLWatchDatasetDrift', dataset, {
      expr: [
        `${heldGauge(t, 'mlwatch_drifted_features_ratio')} >= ${num(dataset.threshold)}`,
        `and on (${model})`,
        `count by (${model}) (`,
        indent(fullWindow(t, 'mlwatch_feature_drift_window_samples')),
        `) >= ${num(dataset.min_features)}`,
      ].join('\n'),
      summary: 'Many features of a model drifted at once.',
      description:
        '{{ $value | humanizePercentage }} of the features of model {{ $labels.model }} on {{ $labels.instance }} ' +
        `drifted (threshold ${percent(dataset.threshold)}): look for an upstream change common to them.`,
    }),
  ];
}

function featureDriftExpr(t: AlertThresholds, settings: DriftAlertSettings): string {
  return driftExpr(t, settings, 'mlwatch_feature_drift', 'mlwatch_feature_drift_window_samples', ['feature']);
}

function driftExpr(t: AlertThresholds, s: DriftAlertSettings, score: string, samples: string, extra: string[]): string {
  const threshold = heldGauge(t, `mlwatch_drift_threshold{method="${s.method}"}`);
  const level = s.threshold_multiplier === 1 ? threshold : `${num(s.threshold_multiplier)} * ${threshold}`;
  return [
    '(',
    `  ${heldGauge(t, `${score}{method="${s.method}"}`)}`,
    `    >= on (${labelList(t.target_labels, 'model', 'method')}) ${GROUP_LEFT}`,
    `  ${level}`,
    ')',
    `and on (${labelList(t.target_labels, 'model', ...extra)})`,
    '(',
    indent(fullWindow(t, samples)),
    ')',
  ].join('\n');
}

function levelText(s: DriftAlertSettings): string {
  const name = METHOD_TEXT[s.method];
  return s.threshold_multiplier === 1
    ? `the model's ${name} drift threshold`
    : `${num(s.threshold_multiplier)} x the model's ${name} drift threshold`;
}
