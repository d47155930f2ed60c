// Alerts on the ground-truth labels themselves (POST /v1/models/{m}/labels, joined to
// predictions by id): labels stopped, coverage low, lag high, the join store evicting or, with
// label_store redis, failing. Without
// labels the realised performance goes blind quietly; these say so out loud.
import { heldGauge, labelList, num, percent } from './promql.js';
import { alertRule, type AlertRule } from './rule.js';
import type { AlertThresholds } from './thresholds.js';

export function labelAlerts(t: AlertThresholds): AlertRule[] {
  const { alerts } = t;
  const stopped = alerts.MLWatchLabelsStopped;
  const coverage = alerts.MLWatchLabelCoverageLow;
  const lag = alerts.MLWatchLabelLagHigh;
  const evicting = alerts.MLWatchLabelStoreEvicting;
  const errors = alerts.MLWatchLabelStoreErrors;
  const model = labelList(t.target_labels, 'model');
  return [
    alertRule(t, 'MLWatchLabelsStopped', stopped, {
      // The received counter is exported from start at 0: at least 1 says the model has a label job.
      expr: [
        `sum by (${model}) (increase(mlwatch_labels_received_total[${stopped.rate_window}])) == 0`,
        `and on (${model})`,
        `sum by (${model}) (increase(mlwatch_predictions_with_id_total[${stopped.rate_window}])) >= ${num(stopped.min_count)}`,
        `and on (${model})`,
        `sum by (${model}) ${heldGauge(t, 'mlwatch_labels_received_total')} >= 1`,
      ].join('\n'),
      summary: 'Labels stopped arriving for a model whose predictions still carry ids.',
      description:
        `Model {{ $labels.model }} on {{ $labels.instance }} received no label in the last ${stopped.rate_window}, ` +
        `while at least ${num(stopped.min_count)} predictions with an id came: the label job stopped posting, ` +
        'and the realised performance goes blind.',
    }),
    alertRule(t, 'MLWatchLabelCoverageLow', coverage, {
      expr: [
        `sum by (${model}) (increase(mlwatch_labels_joined_total[${coverage.rate_window}]))`,
        `  / on (${model})`,
        `sum by (${model}) (increase(mlwatch_predictions_with_id_total[${coverage.rate_window}]))`,
        `< ${num(coverage.threshold)}`,
        `and on (${model})`,
        `sum by (${model}) (increase(mlwatch_predictions_with_id_total[${coverage.rate_window}])) >= ${num(coverage.min_count)}`,
      ].join('\n'),
      summary: 'Few predictions with an id get their label joined.',
      description:
        'Labels were joined for {{ $value | humanizePercentage }} of the predictions with an id of model {{ $labels.model }} ' +
        `on {{ $labels.instance }} over the last ${coverage.rate_window} (threshold ${percent(coverage.threshold)}): ` +
        'mlwatch_labels_unmatched_total by reason says where the others went.',
    }),
    alertRule(t, 'MLWatchLabelLagHigh', lag, {
      expr: [
        `histogram_quantile(${num(lag.quantile)},`,
        `  sum by (${labelList(t.target_labels, 'model', 'le')}) (rate(mlwatch_label_lag_seconds_bucket[${lag.rate_window}]))`,
        `) >= ${num(lag.threshold_seconds)}`,
        `and on (${model})`,
        `sum by (${model}) (increase(mlwatch_label_lag_seconds_count[${lag.rate_window}])) >= ${num(lag.min_count)}`,
      ].join('\n'),
      summary: 'Labels arrive long after their predictions.',
      description:
        `p${num(lag.quantile * 100)} of the label lag of model {{ $labels.model }} on {{ $labels.instance }} is ` +
        `{{ $value | humanizeDuration }} over the last ${lag.rate_window} (threshold ${num(lag.threshold_seconds)}s): ` +
        'the realised performance describes old traffic, and labels later than label_ttl_seconds expire unjoined.',
    }),
    alertRule(t, 'MLWatchLabelStoreEvicting', evicting, {
      expr: `sum by (${labelList(t.target_labels, 'model', 'kind')}) (increase(mlwatch_label_store_evictions_total[${evicting.rate_window}])) >= ${num(evicting.min_count)}`,
      summary: 'The label join store is full and evicts waiting records.',
      description:
        'The label join store of model {{ $labels.model }} on {{ $labels.instance }} evicted {{ $value | humanize }} waiting ' +
        `{{ $labels.kind }} records in the last ${evicting.rate_window}: max_pending_labels is too small for the traffic times the label lag; ` +
        'an evicted prediction never gets its label.',
    }),
    alertRule(t, 'MLWatchLabelStoreErrors', errors, {
      expr: `sum by (${labelList(t.target_labels, 'model', 'operation')}) (increase(mlwatch_label_store_errors_total[${errors.rate_window}])) >= ${num(errors.min_count)}`,
      summary: 'The Redis label store fails: labels are refused or predictions miss the fleet\'s join.',
      description:
        'The Redis label store of model {{ $labels.model }} on {{ $labels.instance }} failed {{ $value | humanize }} ' +
        `{{ $labels.operation }} operations in the last ${errors.rate_window}: Redis is unreachable or failing; ` +
        'labels sent meanwhile are refused (503) and must be sent again, and predictions beyond the outbox are not joined.',
    }),
  ];
}
