// Data-quality alerts: shares computed in PromQL from mlwatch's counters over rate_window,
// trusted only once the denominator grew by min_count (a handful of events never pages).
// Every accepted event counts each feature once as a value, missing, type error or
// non-finite, so mlwatch_predictions_total is the per-feature event count.
import { heldGauge, indent, labelList, num, percent } from './promql.js';
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
      expr: shareExpr(t, nulls, 'mlwatch_feature_missing_total', 'mlwatch_predictions_total', ['feature'], [], nullLevel(t, nulls)),
      summary: 'A feature is null or absent in too many events.',
      description:
        'Feature {{ $labels.feature }} of model {{ $labels.model }} on {{ $labels.instance }} was null or absent in ' +
        `{{ $value | humanizePercentage }} of events over the last ${nulls.rate_window} (threshold ${percent(nulls.threshold)}, ` +
        "added to the training data's null rate when the feature is declared nullable).",
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

/**
 * A nullable feature is held to its training null rate: the level per feature is
 * threshold + nullable * reference_missing_ratio, so a feature not declared nullable
 * (mlwatch_feature_nullable 0) keeps the flat threshold. Both gauges come from the same
 * target as the counters, one series per feature, so the joins are one-to-one. They are
 * held through a failed scrape (heldGauge): the counters' rates outlast it by themselves.
 */
function nullLevel(t: AlertThresholds, s: RatioAlertSettings): ShareLevel {
  const feature = labelList(t.target_labels, 'model', 'feature');
  return {
    on: feature,
    expr: [
      `${num(s.threshold)} + (`,
      `  ${heldGauge(t, 'mlwatch_feature_nullable')}`,
      `    * on (${feature})`,
      `  ${heldGauge(t, 'mlwatch_feature_reference_missing_ratio')}`,
      ')',
    ].join('\n'),
  };
}

/** A per-feature (or per-model) counter over the model's accepted events. */
function perEventShare(t: AlertThresholds, s: RatioAlertSettings, counter: string, perFeature: boolean): string {
  return shareExpr(t, s, counter, 'mlwatch_predictions_total', perFeature ? ['feature'] : [], []);
}

/** A per-series level a share is compared with, matched on the share's labels. */
export interface ShareLevel {
  on: string;
  expr: string;
}

/**
 * (numerator / denominator) >= threshold (or >= a per-series level), guarded by the
 * denominator's increase. The numerator may carry `extra` labels the denominator lacks
 * (group_left keeps them). The comparison keeps the share as the alert's value.
 */
export function shareExpr(
  t: AlertThresholds,
  s: RatioAlertSettings,
  numerator: string,
  denominator: string,
  numeratorExtra: string[],
  denominatorExtra: string[],
  level?: ShareLevel,
): string {
  const top = labelList(t.target_labels, 'model', ...numeratorExtra);
  const bottom = labelList(t.target_labels, 'model', ...denominatorExtra);
  const join = numeratorExtra.length > denominatorExtra.length ? `/ on (${bottom}) group_left` : '/';
  const compare = level === undefined ? [`) >= ${num(s.threshold)}`] : [')', `  >= on (${level.on})`, '(', indent(level.expr), ')'];
  return [
    '(',
    `  sum by (${top}) (rate(${numerator}[${s.rate_window}]))`,
    `    ${join}`,
    `  sum by (${bottom}) (rate(${denominator}[${s.rate_window}]))`,
    ...compare,
    `and on (${bottom})`,
    `sum by (${bottom}) (increase(${denominator}[${s.rate_window}])) >= ${num(s.min_count)}`,
  ].join('\n');
}
