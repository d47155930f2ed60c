// Serving alerts (SRE): mlwatch down, latency, traffic stopped, model staleness, an
// unexpected version serving, rejected events.
import { durationSeconds } from './duration.js';
import { heldGauge, labelList, num, percent } from './promql.js';
import { shareExpr } from './quality-alerts.js';
import { alertRule, type AlertRule } from './rule.js';
import type { AlertThresholds } from './thresholds.js';

/** Accepted plus rejected events: the denominator of the rejected share. */
const ALL_EVENTS = '{__name__=~"mlwatch_events_rejected_total|mlwatch_predictions_total"}';

export function downAlert(t: AlertThresholds): AlertRule {
  return alertRule(t, 'MLWatchDown', t.alerts.MLWatchDown, {
    expr: `up{job="${t.job}"} == 0`,
    summary: 'Prometheus cannot scrape mlwatch.',
    description:
      'mlwatch at {{ $labels.instance }} (job {{ $labels.job }}) has not answered scrapes for ' +
      `${t.alerts.MLWatchDown.for}: no model it watches is monitored, and its model alerts are muted.`,
  });
}

/**
 * A collector that throws leaves its series out of the scrapes it fails in: the alerts that
 * read them go blind without resolving loudly. mlwatch_scrape_collector_success is 1 or 0
 * per scrape, so its average over the window is the share of scrapes that succeeded.
 */
export function collectorFailingAlert(t: AlertThresholds): AlertRule {
  const failing = t.alerts.MLWatchCollectorFailing;
  return alertRule(t, 'MLWatchCollectorFailing', failing, {
    expr: [
      `(1 - avg_over_time(mlwatch_scrape_collector_success[${failing.rate_window}])) >= ${num(failing.threshold)}`,
      `and count_over_time(mlwatch_scrape_collector_success[${failing.rate_window}]) >= ${num(failing.min_count)}`,
    ].join('\n'),
    summary: 'An mlwatch metrics collector keeps failing.',
    description:
      'The {{ $labels.collector }} collector of mlwatch on {{ $labels.instance }} failed in {{ $value | humanizePercentage }} ' +
      `of the scrapes over the last ${failing.rate_window} (threshold ${percent(failing.threshold)}): its metrics are missing from those ` +
      'scrapes and the alerts reading them cannot fire. The mlwatch log names the error.',
  });
}

/**
 * A refused reload leaves the previous config serving: nothing breaks, but the change someone
 * made (a new reference, a new model) is not in effect. As Prometheus's own
 * PrometheusConfigReloadFailed, on mlwatch_config_last_reload_successful.
 */
export function configReloadFailedAlert(t: AlertThresholds): AlertRule {
  const failed = t.alerts.MLWatchConfigReloadFailed;
  return alertRule(t, 'MLWatchConfigReloadFailed', failed, {
    expr: `${heldGauge(t, 'mlwatch_config_last_reload_successful')} == 0`,
    summary: 'mlwatch refused to reload its config.',
    description:
      'The last config reload of mlwatch on {{ $labels.instance }} was refused and none has succeeded since: ' +
      'the previous config and references keep serving, the change is not in effect. The mlwatch log lists each problem ("reload refused").',
  });
}

export function servingAlerts(t: AlertThresholds): AlertRule[] {
  const { alerts } = t;
  const latency = alerts.MLWatchInferenceLatencyHigh;
  const stopped = alerts.MLWatchTrafficStopped;
  const stale = alerts.MLWatchModelStale;
  const version = alerts.MLWatchUnexpectedModelVersion;
  const rejected = alerts.MLWatchEventsRejected;
  const model = labelList(t.target_labels, 'model');
  return [
    alertRule(t, 'MLWatchInferenceLatencyHigh', latency, {
      expr: [
        `histogram_quantile(${num(latency.quantile)},`,
        `  sum by (${labelList(t.target_labels, 'model', 'le')}) (rate(mlwatch_inference_latency_seconds_bucket[${latency.rate_window}]))`,
        `) >= ${num(latency.threshold_seconds)}`,
        `and on (${model})`,
        `sum by (${model}) (increase(mlwatch_inference_latency_seconds_count[${latency.rate_window}])) >= ${num(latency.min_count)}`,
      ].join('\n'),
      summary: 'Inference latency of a model is high.',
      description:
        `p${num(latency.quantile * 100)} inference latency of model {{ $labels.model }} on {{ $labels.instance }} is ` +
        `{{ $value | humanizeDuration }} over the last ${latency.rate_window} (threshold ${num(latency.threshold_seconds)}s).`,
    }),
    alertRule(t, 'MLWatchTrafficStopped', stopped, {
      expr: [
        `sum by (${model}) (increase(mlwatch_predictions_total[${stopped.rate_window}])) == 0`,
        `and on (${model})`,
        `sum by (${model}) ${heldGauge(t, 'mlwatch_predictions_total')} >= ${num(stopped.min_count)}`,
      ].join('\n'),
      summary: 'A model that had traffic receives no predictions.',
      description:
        `Model {{ $labels.model }} on {{ $labels.instance }} received no predictions in the last ${stopped.rate_window}, ` +
        `after at least ${num(stopped.min_count)} since mlwatch started: is the model server up and posting to mlwatch?`,
    }),
    alertRule(t, 'MLWatchModelStale', stale, {
      expr: [
        '(',
        `  (time() - ${heldGauge(t, 'mlwatch_model_deploy_timestamp_seconds')})`,
        `    * on (${model}) group_left (version)`,
        `  ${heldGauge(t, 'mlwatch_model_info')}`,
        `) >= ${num(durationSeconds(stale.max_age) ?? NaN)}`,
        `and on (${model})`,
        `sum by (${model}) (increase(mlwatch_predictions_total[${stale.rate_window}])) >= ${num(stale.min_count)}`,
      ].join('\n'),
      summary: 'A serving model was deployed long ago.',
      description:
        'Model {{ $labels.model }} version {{ $labels.version }} on {{ $labels.instance }} was deployed ' +
        `{{ $value | humanizeDuration }} ago (limit ${stale.max_age}) and still serves: retrain or confirm it is current.`,
    }),
    alertRule(t, 'MLWatchUnexpectedModelVersion', version, {
      expr: [
        `sum by (${labelList(t.target_labels, 'model', 'version')}) (increase(mlwatch_predictions_total[${version.rate_window}])) >= ${num(version.min_count)}`,
        `unless on (${labelList(t.target_labels, 'model', 'version')})`,
        // Any version named within the same window counts as expected: the window's counts
        // and the names are then seen over the same scrapes, so when the scrape fails (and
        // mlwatch_model_info goes stale at once while increase() still sees the window) the
        // expected version does not look unexpected, and a restart on a new version does not
        // make the old one's last predictions look unexpected either.
        `last_over_time(mlwatch_model_info[${version.rate_window}])`,
      ].join('\n'),
      summary: 'A model version other than the expected one is serving.',
      description:
        'Model {{ $labels.model }} on {{ $labels.instance }} served {{ $value | humanize }} predictions of version ' +
        `{{ $labels.version }} in the last ${version.rate_window}, which is not the version in mlwatch's config (mlwatch_model_info).`,
    }),
    alertRule(t, 'MLWatchEventsRejected', rejected, {
      expr: shareExpr(t, rejected, 'mlwatch_events_rejected_total', ALL_EVENTS, [], []),
      summary: 'mlwatch rejects too many events at ingest.',
      description:
        'mlwatch on {{ $labels.instance }} rejected {{ $value | humanizePercentage }} of the events for model {{ $labels.model }} ' +
        `over the last ${rejected.rate_window} (threshold ${percent(rejected.threshold)}); mlwatch_events_rejected_total by reason says why.`,
    }),
  ];
}
