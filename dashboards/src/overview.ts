// Overview: what an SRE opens first — is each model getting traffic, how fast is it
// answering, which versions serve, what ingest rejects, which mlwatch alerts fire — and a
// collapsed performance row that holds the label-free signals until ground truth arrives.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MERGE, barChart, organize, statPanel, tablePanel, timeSeries } from './panels.js';
import { MODEL, alerts, histogramQuantile, selector, sumRate } from './promql.js';
import { binTransformations, liveNumericShare, referenceNumericShare, type DistributionMetrics } from './distribution.js';
import { base } from './dashboard-base.js';

/** The labels an alert row shows (instance: which replica). */
const ALERT_LABELS = 'alertname, alertstate, severity, team, model, feature, instance';
/**
 * When each pending or firing alert became active: ALERTS_FOR_STATE holds it (Unix seconds,
 * what Prometheus restores `for:` from); group_right keeps ALERTS' labels, alertstate included.
 */
const ALERTS_ACTIVE_AT = `max by (${ALERT_LABELS}) (\n  ${alerts([], 'ALERTS_FOR_STATE')}\n  * ignoring (alertstate) group_right\n  ${alerts()}\n)`;

export function overviewDashboard(): dashboard.DashboardBuilder {
  const builder = base('mlwatch-overview', 'mlwatch / Overview', 'Traffic, latency, versions, rejected events and firing alerts of the models mlwatch monitors.');
  builder
    .withRow(new dashboard.RowBuilder('Alerts and health'))
    .withPanel(
      statPanel({
        title: 'mlwatch alerts firing',
        description: 'Number of mlwatch alerts (alertname MLWatch*) firing now for the selected models or for mlwatch itself. 0 when none fire.',
        unit: 'short',
        width: 6,
        queries: [{ expr: `count(${alerts(['alertstate="firing"'])}) or vector(0)`, legend: 'firing' }],
        thresholds: [{ value: 1, color: 'red' }],
      }),
    )
    .withPanel(
      tablePanel(
        {
          title: 'mlwatch alerts firing or pending',
          description: 'Every mlwatch alert that is pending (condition true, waiting out its for:) or firing, with its severity, team, model, feature and instance, since when it has been active (pending included, from ALERTS_FOR_STATE) and for how long. Follow the runbook_url annotation in Alertmanager for what to do.',
          unit: 's',
          width: 18,
          queries: [
            { expr: `${ALERTS_ACTIVE_AT} * 1000`, instant: true, table: true },
            { expr: `time() - ${ALERTS_ACTIVE_AT}`, instant: true, table: true },
          ],
        },
        [MERGE, organize(['Time'], { 'Value #A': 'Active since', 'Value #B': 'Active for' })],
      ).overrideByName('Active since', [{ id: 'unit', value: 'dateTimeAsIso' }]),
    )
    .withRow(new dashboard.RowBuilder('Traffic and latency'))
    .withPanel(
      timeSeries({
        title: 'Predictions per second by model',
        description: 'Prediction events accepted by mlwatch per second, per model (all versions). A drop to zero means the model server stopped sending.',
        unit: 'ops',
        width: 12,
        queries: [{ expr: sumRate(['model'], selector('predictions')), legend: '{{model}}' }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Inference latency p50 / p99',
        description: 'Inference latency the model server reported (latency_ms), as 50th and 99th percentiles estimated from the histogram buckets.',
        unit: 's',
        width: 12,
        queries: [
          { expr: histogramQuantile(0.5, 'inferenceLatency'), legend: '{{model}} p50' },
          { expr: histogramQuantile(0.99, 'inferenceLatency'), legend: '{{model}} p99' },
        ],
      }),
    )
    .withRow(new dashboard.RowBuilder('Versions'))
    .withPanel(
      timeSeries({
        title: 'Predictions per second by model version',
        description: 'Accepted predictions per second by the model_version the events carried. More than one line for a model means a canary or a rollout in progress; versions beyond max_versions fold into __other__.',
        unit: 'ops',
        width: 12,
        queries: [{ expr: sumRate(['model', 'version'], selector('predictions')), legend: '{{model}} {{version}}' }],
      }),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Versions serving vs expected',
          description: 'Per model and version: predictions per second now, and 1 in Expected when it is the version the config says should serve (mlwatch_model_info).',
          unit: 'ops',
          width: 6,
          queries: [
            { expr: `${sumRate(['model', 'version'], selector('predictions'))} > 0`, instant: true, table: true },
            { expr: `max by (model, version) (${selector('modelInfo')})`, instant: true, table: true },
          ],
        },
        [MERGE, organize(['Time'], { 'Value #A': 'Predictions/s', 'Value #B': 'Expected' })],
      ).overrideByName('Expected', [{ id: 'unit', value: 'none' }]),
    )
    .withPanel(
      statPanel({
        title: 'Model age',
        description: 'Time since the expected model version was deployed (deployed_at in the mlwatch config). Old models are more likely to have drifted away from today\'s data.',
        unit: 's',
        width: 6,
        queries: [{ expr: `time() - max by (model) (${selector('modelDeployTimestamp')})`, legend: '{{model}}' }],
      }),
    )
    .withRow(new dashboard.RowBuilder('Ingest'))
    .withPanel(
      timeSeries({
        title: 'Rejected events per second by reason',
        description: 'Events (or whole requests, for body-level reasons) ingest rejected, per model and reason. model="__other__" holds posts to unknown models. Bad feature values are not rejections: see the data-quality dashboard.',
        unit: 'ops',
        width: 12,
        queries: [{ expr: sumRate(['model', 'reason'], selector('eventsRejected', ['model=~"$model|__other__"'])), legend: '{{model}} {{reason}}' }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Undeclared feature fields per event',
        description: 'Feature fields per accepted event that the mlwatch config does not declare: the model server sends inputs mlwatch does not monitor (a schema change?).',
        unit: 'short',
        width: 12,
        queries: [
          {
            expr: `${sumRate(['model'], selector('unknownFields'))}\n/ ${sumRate(['model'], selector('predictions'))}`,
            legend: '{{model}}',
          },
        ],
      }),
    )
    .withRow(performanceRow());
  return builder;
}

/**
 * Collapsed until labels arrive: ground-truth metrics (accuracy, error, label lag and
 * coverage from the label join) come in a later release; what mlwatch knows today without
 * labels is the predicted class mix and the score distribution against the reference.
 */
function performanceRow(): dashboard.RowBuilder {
  const prediction: DistributionMetrics = {
    histogram: 'predictionValue',
    referenceBins: 'predictionReferenceBinRatio',
    categories: 'predictedClass',
    referenceCategories: 'predictionReferenceClassRatio',
    categoryLabel: 'class',
    keys: ['model'],
    matchers: [MODEL],
  };
  return new dashboard.RowBuilder('Performance (label-free today; ground-truth metrics come with the label join)')
    .collapsed(true)
    .withPanel(
      timeSeries({
        title: 'Predicted class share',
        description: 'Share of predictions per predicted class. Until ground-truth labels are joined (a later mlwatch release adds accuracy, error and label-lag panels here), a shift in this mix is the first sign performance changed.',
        unit: 'percentunit',
        width: 12,
        min: 0,
        max: 1,
        queries: [
          {
            expr: `${sumRate(['model', 'class'], selector('predictedClass'))}\n/ on (model) group_left ()\n${sumRate(['model'], selector('predictedClass'))}`,
            legend: '{{model}} {{class}}',
          },
        ],
      }),
    )
    .withPanel(
      barChart(
        {
          title: 'Prediction score distribution of $model: live vs reference',
          description: `Share of recent numeric predictions (scores, regression values) per reference bin "(lower, upper]", next to the share in the reference built from training data; the panel repeats per model. Bars far apart mean the model's output drifted. Live shares use the last $__rate_interval of traffic. Models that only predict a class show their mix in the Predicted class share panel.`,
          unit: 'percentunit',
          width: 12,
          repeat: 'model',
          queries: [
            { expr: liveNumericShare(prediction), instant: true, table: true },
            { expr: referenceNumericShare(prediction), instant: true, table: true },
          ],
        },
        'bin',
        binTransformations(['model']),
      ),
    );
}
