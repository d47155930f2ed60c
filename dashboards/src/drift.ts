// Drift: which features moved away from the training data, by how much under each method,
// whether the window holds enough samples to say so, and what the distributions look like
// side by side.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { base } from './dashboard-base.js';
import { binTransformations, distributionQueries } from './distribution.js';
import { barChart, barGauge, organize, referenceLine, statPanel, tablePanel, timeSeries } from './panels.js';
import { FEATURE, MODEL, selector, sumRate } from './promql.js';
import { featureVariable, methodVariable } from './variables.js';

const METHOD = 'method=~"$method"';

export function driftDashboard(): dashboard.DashboardBuilder {
  const builder = base('mlwatch-drift', 'mlwatch / Drift', 'Per-feature and prediction drift against the reference, the drifted features ranked, window sample counts and live vs reference distributions.')
    .withVariable(featureVariable())
    .withVariable(methodVariable());
  summaryRow(builder);
  scoresRow(builder);
  slicesRow(builder);
  distributionRow(builder);
  return builder;
}

function summaryRow(builder: dashboard.DashboardBuilder): void {
  builder
    .withRow(new dashboard.RowBuilder('Summary'))
    .withPanel(
      statPanel({
        title: 'Share of features drifted',
        description: 'Share of the model\'s features (those with enough window samples) whose decision-method score crosses its threshold. Dataset-level drift: many features at once usually means an upstream change, not a real-world shift.',
        unit: 'percentunit',
        width: 6,
        min: 0,
        max: 1,
        queries: [{ expr: `max by (model) (${selector('driftedFeaturesRatio')})`, legend: '{{model}}' }],
        thresholds: [{ value: 0.3, color: 'red' }],
      }),
    )
    .withPanel(
      barGauge({
        title: 'Features ranked by drift score',
        description: 'The ten features with the highest score under the selected method(s), highest first: where to look first. Compare with the threshold (Thresholds panel); for chi2_pvalue a LOW value means drift.',
        unit: 'none',
        width: 10,
        queries: [
          {
            expr: `sort_desc(topk(10, max by (model, feature, method) (${selector('featureDrift', [MODEL, FEATURE, METHOD])})))`,
            legend: '{{model}} {{feature}} ({{method}})',
            instant: true,
          },
        ],
      }),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Features drifted now',
          description: 'Features whose decision-method score crosses its threshold right now (mlwatch_feature_drifted = 1). Empty when nothing drifted or the window is below min_samples.',
          unit: 'short',
          width: 8,
          queries: [{ expr: `max by (model, feature) (${selector('featureDrifted', [MODEL, FEATURE])}) == 1`, instant: true, table: true }],
        },
        [organize(['Time', 'Value'], {})],
      ),
    );
}

function scoresRow(builder: dashboard.DashboardBuilder): void {
  builder
    .withRow(new dashboard.RowBuilder('Scores over time'))
    .withPanel(
      timeSeries({
        title: 'Feature drift: $method',
        description: 'Drift score of each feature\'s sliding window against the reference under one method (the panel repeats per selected method), with the configured threshold as a dashed line. Absent while the window holds fewer than min_samples values. psi/js/wasserstein/ks/chebyshev: higher is more drift; chi2_pvalue: lower is.',
        unit: 'none',
        width: 12,
        repeat: 'method',
        queries: [
          { expr: `max by (model, feature) (${selector('featureDrift', [MODEL, FEATURE, 'method="$method"'])})`, legend: '{{model}} {{feature}}' },
          { expr: `max by (model) (${selector('driftThreshold', [MODEL, 'method="$method"'])})`, legend: '{{model}} threshold' },
        ],
      }).overrideByRegexp('.* threshold$', referenceLine()),
    )
    .withPanel(
      timeSeries({
        title: 'Prediction drift',
        description: 'Drift of the model output\'s window against the reference predictions, per selected method. Output drift without input drift points at the model; with input drift, at the data.',
        unit: 'none',
        width: 12,
        queries: [{ expr: `max by (model, method) (${selector('predictionDrift', [MODEL, METHOD])})`, legend: '{{model}} {{method}}' }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Window samples vs min_samples',
        description: 'Values of each feature in the current drift window, and the min_samples a window needs before drift is exported: below the line, drift panels and alerts stay silent by design.',
        unit: 'short',
        width: 12,
        queries: [
          { expr: `max by (model, feature) (${selector('featureDriftWindowSamples', [MODEL, FEATURE])})`, legend: '{{model}} {{feature}}' },
          { expr: `max by (model) (${selector('predictionDriftWindowSamples')})`, legend: '{{model}} prediction' },
          { expr: `max by (model) (${selector('driftMinSamples')})`, legend: '{{model}} min_samples' },
        ],
      }).overrideByRegexp('.* min_samples$', referenceLine()),
    )
    .withPanel(
      timeSeries({
        title: 'Drift computation age',
        description: 'Seconds since mlwatch last computed drift scores for the model. Should stay near compute_interval_seconds; a growing line means the computation stalled.',
        unit: 's',
        width: 12,
        queries: [{ expr: `time() - max by (model) (${selector('driftLastComputed')})`, legend: '{{model}}' }],
      }),
    );
}

/** Segments and variants (models that configure them): which slice went wrong. */
function slicesRow(builder: dashboard.DashboardBuilder): void {
  const segmentKeys = 'model, segment, segment_value, feature';
  builder
    .withRow(new dashboard.RowBuilder('Segments and variants'))
    .withPanel(
      barGauge({
        title: 'Which segment went wrong: segment × feature by drift',
        description:
          'The ten (segment value, feature) pairs with the highest drift under the selected method(s), each against the reference of its own segment value: where a drift concentrates. A feature high here but not in the whole-model ranking drifted in one segment only (MLWatchSegmentFeatureDrift). Empty for models without segments.',
        unit: 'none',
        width: 12,
        queries: [
          {
            expr: `sort_desc(topk(10, max by (${segmentKeys}, method) (${selector('segmentFeatureDrift', [MODEL, FEATURE, METHOD])})))`,
            legend: '{{model}} {{segment}}={{segment_value}} {{feature}} ({{method}})',
            instant: true,
          },
        ],
      }),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Segments drifted now',
          description:
            'Segment values whose feature drifted by mlwatch\'s decision (beyond the threshold and the noise level at the segment\'s window size), each against its own segment value\'s reference.',
          unit: 'short',
          width: 12,
          queries: [{ expr: `max by (${segmentKeys}) (${selector('segmentFeatureDrifted', [MODEL, FEATURE])}) == 1`, instant: true, table: true }],
        },
        [organize(['Time', 'Value'], {})],
      ),
    )
    .withPanel(
      timeSeries({
        title: 'Variant predictions against the default variant',
        description:
          'Divergence of each non-default variant\'s prediction window (canary, challenger, shadow) from the default variant\'s window over the same time: PSI, Jensen-Shannon and KS (Chebyshev for classes). The champion\'s own drift against training is in Prediction drift; this line says whether a new version predicts differently on the same traffic.',
        unit: 'none',
        width: 12,
        queries: [
          { expr: `max by (model, variant, method) (${selector('variantPredictionDivergence', [MODEL])})`, legend: '{{model}} {{variant}} {{method}}' },
          { expr: `max by (model) (${selector('driftThreshold', [MODEL, 'method="psi"'])})`, legend: '{{model}} PSI threshold' },
        ],
      }).overrideByRegexp('.* threshold$', referenceLine()),
    )
    .withPanel(
      timeSeries({
        title: 'Shadow agreement with the default variant',
        description:
          'For requests scored by both (same event id): the share of a variant\'s predictions whose class equals the default variant\'s, and the mean |Δscore|, over $__rate_interval. Summed over replicas, so the fleet\'s agreement.',
        unit: 'percentunit',
        width: 12,
        queries: [
          {
            expr: `${sumRate(['model', 'variant'], selector('variantAgreeingPredictions'))}\n/\n${sumRate(['model', 'variant'], selector('variantPairedPredictions'))}`,
            legend: '{{model}} {{variant}} agreement',
          },
          {
            expr: `${sumRate(['model', 'variant'], selector('variantScoreDifference'))}\n/\n${sumRate(['model', 'variant'], selector('variantScoredPairs'))}`,
            legend: '{{model}} {{variant}} mean |Δscore|',
          },
        ],
      }),
    );
}

function distributionRow(builder: dashboard.DashboardBuilder): void {
  const queries = distributionQueries({
    histogram: 'featureValue',
    referenceBins: 'featureReferenceBinRatio',
    categories: 'featureCategory',
    referenceCategories: 'featureReferenceCategoryRatio',
    categoryLabel: 'category',
    keys: ['model', 'feature'],
    matchers: [MODEL, 'feature=~"$feature"'],
  });
  builder.withRow(new dashboard.RowBuilder('Live vs reference distribution')).withPanel(
    barChart(
      {
        title: 'Distribution of $feature: live vs reference',
        description: 'Share of recent values (last $__rate_interval) per reference bin — the equal-frequency bins frozen from the training data, "(lower, upper]" — or per category, next to the reference share. The panel repeats per selected feature. Bars that disagree show where the drift is; a unit change piles values into the first or last bin.',
        unit: 'percentunit',
        width: 12,
        height: 9,
        repeat: 'feature',
        queries: [
          { expr: queries.live, instant: true, table: true },
          { expr: queries.reference, instant: true, table: true },
        ],
      },
      'bin',
      binTransformations(['model', 'feature', 'category']),
    ),
  );
}
