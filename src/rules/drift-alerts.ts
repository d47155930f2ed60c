// Drift alerts: per feature (warning and critical), on the prediction, and the share of a
// model's features that drifted; and the drift computation itself (failing, or stale scores).
// Levels are multiples of the model's own exported mlwatch_drift_threshold{method}, so a
// threshold tuned in mlwatch.yaml moves the alert too, and the score must also reach its
// exported noise level at the window's size (mlwatch_*_drift_noise), or the threshold alone
// where there is none (a reference without noise levels). Every gauge is read through
// heldGauge, so a failed scrape does not resolve them.
import { durationSeconds } from './duration.js';
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
      expr: driftExpr(t, alerts.MLWatchPredictionDrift, 'mlwatch_prediction', []),
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
    ...computeAlerts(t),
  ];
}

/** The drift computation failing, and drift scores left stale (by failures or a stalled timer). */
function computeAlerts(t: AlertThresholds): AlertRule[] {
  const failing = t.alerts.MLWatchDriftComputeFailing;
  const stale = t.alerts.MLWatchDriftStale;
  const model = labelList(t.target_labels, 'model');
  const slack = durationSeconds(stale.slack) ?? NaN;
  return [
    alertRule(t, 'MLWatchDriftComputeFailing', failing, {
      expr: `sum by (${model}) (increase(mlwatch_drift_compute_failures_total[${failing.rate_window}])) >= ${num(failing.min_count)}`,
      summary: "mlwatch fails to compute a model's drift scores.",
      description:
        'mlwatch on {{ $labels.instance }} failed {{ $value | humanize }} drift computations of model {{ $labels.model }} ' +
        `in the last ${failing.rate_window}; its drift scores are frozen at the last complete computation (the log says why: "drift computation failed").`,
    }),
    alertRule(t, 'MLWatchDriftStale', stale, {
      expr: [
        '(',
        `  time() - ${heldGauge(t, 'mlwatch_drift_last_computed_timestamp_seconds')}`,
        ')',
        `  >= on (${model})`,
        '(',
        `  ${num(stale.max_intervals)} * ${heldGauge(t, 'mlwatch_drift_compute_interval_seconds')} + ${num(slack)}`,
        ')',
        `and on (${model})`,
        `count by (${model}) (`,
        indent(fullWindow(t, 'mlwatch_feature_drift_window_samples')),
        ')',
      ].join('\n'),
      summary: "A model's drift scores are stale.",
      description:
        'The drift scores of model {{ $labels.model }} on {{ $labels.instance }} were last computed {{ $value | humanizeDuration }} ago, ' +
        `more than ${num(stale.max_intervals)} compute intervals (plus ${stale.slack}): dashboards and drift alerts show old numbers.`,
    }),
  ];
}

function featureDriftExpr(t: AlertThresholds, settings: DriftAlertSettings): string {
  return driftExpr(t, settings, 'mlwatch_feature', ['feature']);
}

/**
 * score >= multiplier × threshold, and score >= noise where the noise level is exported (else
 * the threshold alone: `score unless on (…) noise` keeps exactly the scores without one), with
 * a full window. `and`/`unless` keep the left side's value: the alert's value is the score.
 */
function driftExpr(t: AlertThresholds, s: DriftAlertSettings, prefix: 'mlwatch_feature' | 'mlwatch_prediction', extra: string[]): string {
  const threshold = heldGauge(t, `mlwatch_drift_threshold{method="${s.method}"}`);
  const level = s.threshold_multiplier === 1 ? threshold : `${num(s.threshold_multiplier)} * ${threshold}`;
  const score = heldGauge(t, `${prefix}_drift{method="${s.method}"}`);
  const noise = heldGauge(t, `${prefix}_drift_noise{method="${s.method}"}`);
  const series = labelList(t.target_labels, 'model', ...extra, 'method');
  return [
    '(',
    `  ${score}`,
    `    >= on (${labelList(t.target_labels, 'model', 'method')}) ${GROUP_LEFT}`,
    `  ${level}`,
    ')',
    `and on (${series})`,
    '(',
    `    ${score} >= on (${series}) ${noise}`,
    '  or',
    `    ${score} unless on (${series}) ${noise}`,
    ')',
    `and on (${labelList(t.target_labels, 'model', ...extra)})`,
    '(',
    indent(fullWindow(t, `${prefix}_drift_window_samples`)),
    ')',
  ].join('\n');
}

function levelText(s: DriftAlertSettings): string {
  const name = METHOD_TEXT[s.method];
  return s.threshold_multiplier === 1
    ? `the model's ${name} drift threshold`
    : `${num(s.threshold_multiplier)} x the model's ${name} drift threshold`;
}
