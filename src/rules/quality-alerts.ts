// Data-quality alerts: shares computed in PromQL from mlwatch's counters over rate_window,
// trusted only once the denominator grew by min_count (a handful of events never pages).
// Every accepted event counts each feature once as a value, missing, type error or
// non-finite, so mlwatch_predictions_total is the per-feature event count.
import { labelList, num, percent } from './promql.js';
import { alertRule, type AlertRule } from './rule.js';
import type { AlertThresholds, RatioAlertSettings } from './thresholds.js';

export function qualityAlerts(t: AlertThresholds): AlertRule[] {
  const { alerts } = t;
  const nulls = alerts.MLWatchFeatureNullRateHigh;
  const types = alerts.MLWatchFeatureTypeErrors;
  const range = alerts.MLWatchFeatureOutOfRange;
  const nonFinite = alerts.MLWatchPredictionNonFinite;
  return [
    alertRule(t, 'MLWatchFeatureNullRateHigh', nulls, {
      expr: perEventShare(t, nulls, 'mlwatch_feature_missing_total', true),
      summary: 'A feature is null or absent in too many events.',
      description:
        'Feature {{ $labels.feature }} of model {{ $labels.model }} on {{ $labels.instance }} was null or absent in ' +
        `{{ $value | humanizePercentage }} of events over the last ${nulls.rate_window} (threshold ${percent(nulls.threshold)}).`,
    }),
    alertRule(t, 'MLWatchFeatureTypeErrors', types, {
      expr: perEventShare(t, types, 'mlwatch_feature_type_errors_total', true),
      summary: 'A feature arrives with the wrong JSON type in too many events.',
      description:
        'Feature {{ $labels.feature }} of model {{ $labels.model }} on {{ $labels.instance }} had the wrong type in ' +
        `{{ $value | humanizePercentage }} of events over the last ${types.rate_window} (threshold ${percent(types.threshold)}).`,
    }),
    alertRule(t, 'MLWatchFeatureOutOfRange', range, {
      expr: shareExpr(t, range, 'mlwatch_feature_out_of_range_total', 'mlwatch_feature_values_total', ['feature'], ['feature']),
      summary: 'Too many values of a feature are out of range or unseen categories.',
      description:
        'Feature {{ $labels.feature }} of model {{ $labels.model }} on {{ $labels.instance }}: ' +
        `{{ $value | humanizePercentage }} of its values over the last ${range.rate_window} were outside the allowed range ` +
        `or categories (threshold ${percent(range.threshold)}).`,
    }),
    alertRule(t, 'MLWatchPredictionNonFinite', nonFinite, {
      expr: perEventShare(t, nonFinite, 'mlwatch_prediction_nonfinite_total', false),
      summary: 'The model outputs NaN or Infinity.',
      description:
        'Model {{ $labels.model }} on {{ $labels.instance }} returned NaN or Infinity in ' +
        `{{ $value | humanizePercentage }} of predictions over the last ${nonFinite.rate_window} (threshold ${percent(nonFinite.threshold)}).`,
    }),
  ];
}

/** A per-feature (or per-model) counter over the model's accepted events. */
function perEventShare(t: AlertThresholds, s: RatioAlertSettings, counter: string, perFeature: boolean): string {
  return shareExpr(t, s, counter, 'mlwatch_predictions_total', perFeature ? ['feature'] : [], []);
}

/**
 * (numerator / denominator) >= threshold, guarded by the denominator's increase. The
 * numerator may carry `extra` labels the denominator lacks (group_left keeps them).
 */
export function shareExpr(
  t: AlertThresholds,
  s: RatioAlertSettings,
  numerator: string,
  denominator: string,
  numeratorExtra: string[],
  denominatorExtra: string[],
): string {
  const top = labelList(t.target_labels, 'model', ...numeratorExtra);
  const bottom = labelList(t.target_labels, 'model', ...denominatorExtra);
  const join = numeratorExtra.length > denominatorExtra.length ? `/ on (${bottom}) group_left` : '/';
  return [
    '(',
    `  sum by (${top}) (rate(${numerator}[${s.rate_window}]))`,
    `    ${join}`,
    `  sum by (${bottom}) (rate(${denominator}[${s.rate_window}]))`,
    `) >= ${num(s.threshold)}`,
    `and on (${bottom})`,
    `sum by (${bottom}) (increase(${denominator}[${s.rate_window}])) >= ${num(s.min_count)}`,
  ].join('\n');
}
