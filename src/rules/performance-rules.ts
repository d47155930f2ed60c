// Recording rules for realised performance over a range, across every replica: accuracy from
// the confusion counters, MAE, RMSE and R² from the regression sums, ROC AUC from the score
// bins' counters, and label coverage — the
// same formulas as src/stats/performance.ts, in PromQL, so one model's numbers agree whether
// one sidecar or a fleet counted them; and the label-free estimate (CBPE) over the same range
// from the expected confusion counts (accuracy, precision, recall, F1 of the positive class; for
// multiclass, accuracy and the macro means one-vs-rest). Names take the metrics from definitions.ts.
import { METRICS } from '../metrics/definitions.js';
import { durationSeconds } from './duration.js';

export const SHIPPED_PERFORMANCE_WINDOW = '1h';

export interface PerformanceRulesOptions {
  window: string;
}

interface RecordingRule {
  record: string;
  expr: string;
}

export function performanceRules(options: PerformanceRulesOptions): RecordingRule[] {
  const w = options.window;
  const seconds = durationSeconds(w);
  if (seconds === null || seconds <= 0) {
    throw new RangeError(`performance rules: window must be a positive Prometheus duration such as "1h", got ${JSON.stringify(w)}`);
  }
  const confusion = `model_actual_predicted:${bare(METRICS.confusion.name)}:increase${w}`;
  const n = `model:${bare(METRICS.regressionLabels.name)}:increase${w}`;
  const inc = (name: string) => `sum by (model) (increase(${name}[${w}]))`;
  const sign = (s: string) => `sum by (model) (increase(${METRICS.regressionLabelMagnitude.name}{sign="${s}"}[${w}]))`;
  return [
    { record: confusion, expr: `sum by (model, actual, predicted) (increase(${METRICS.confusion.name}[${w}]))` },
    {
      // The diagonal: each (model, actual) row's total relabelled predicted=actual selects, by
      // `and`, only the series whose predicted equals its actual (PromQL cannot compare two labels).
      record: `model:mlwatch_performance_accuracy:ratio${w}`,
      expr: [
        `sum by (model) (`,
        `  ${confusion}`,
        `  and on (model, actual, predicted)`,
        `  label_replace(sum by (model, actual) (${confusion}), "predicted", "$1", "actual", "(.*)")`,
        `)`,
        `/ (sum by (model) (${confusion}) > 0)`,
      ].join('\n'),
    },
    { record: n, expr: inc(METRICS.regressionLabels.name) },
    { record: `model:mlwatch_performance_mae:ratio${w}`, expr: `${inc(METRICS.regressionAbsError.name)}\n/ (${n} > 0)` },
    { record: `model:mlwatch_performance_rmse:ratio${w}`, expr: `sqrt(\n  ${inc(METRICS.regressionSquaredError.name)}\n  / (${n} > 0)\n)` },
    {
      // R² = 1 − Σe² / (Σy² − (Σy)²/n), Σy = Σ|y| of positive labels − Σ|y| of negative ones.
      record: `model:mlwatch_performance_r2:ratio${w}`,
      expr: [
        `1 - ${inc(METRICS.regressionSquaredError.name)}`,
        `/ (`,
        `  (`,
        `    ${inc(METRICS.regressionLabelSquared.name)}`,
        `    - (${sign('positive')} - ${sign('negative')}) ^ 2 / ${n}`,
        `  ) > 0`,
        `)`,
      ].join('\n'),
    },
    rocAucRule(w),
    {
      record: `model:mlwatch_label_coverage:ratio${w}`,
      expr: `${inc(METRICS.labelsJoined.name)}\n/ (${inc(METRICS.predictionsWithId.name)} > 0)`,
    },
    ...estimatedRules(w),
    ...estimatedErrorRules(w),
  ];
}

/** A regression's label-free MAE and RMSE over the range from the expected-error sums of every replica. */
function estimatedErrorRules(w: string): RecordingRule[] {
  const n = `model:${bare(METRICS.estimatedRegressionPredictions.name)}:increase${w}`;
  const inc = (name: string) => `sum by (model) (increase(${name}[${w}]))`;
  return [
    { record: n, expr: inc(METRICS.estimatedRegressionPredictions.name) },
    { record: `model:mlwatch_estimated_performance_mae:ratio${w}`, expr: `${inc(METRICS.estimatedAbsError.name)}\n/ (${n} > 0)` },
    { record: `model:mlwatch_estimated_performance_rmse:ratio${w}`, expr: `sqrt(\n  ${inc(METRICS.estimatedSquaredError.name)}\n  / (${n} > 0)\n)` },
  ];
}

/**
 * ROC AUC of a scored binary model over the range, binned as the window gauge is: each
 * positive beats the negatives of the bins below its own and ties half of its own bin's,
 * AUC = Σ_b pos_b · (below_b + neg_b / 2) / (Σ pos · Σ neg). The bins' counters joined on
 * (model, lower, upper) after summing the replicas give that sum without a running total in PromQL.
 */
function rocAucRule(w: string): RecordingRule {
  const bin = (positive: string, by: string) => `sum by (${by}) (increase(${METRICS.labelScoreBin.name}{positive="${positive}"}[${w}]))`;
  const perBin = 'model, lower, upper';
  return {
    record: `model:mlwatch_performance_roc_auc:ratio${w}`,
    expr: [
      `sum by (model) (`,
      `  ${bin('true', perBin)}`,
      `  * on (${perBin})`,
      `  (`,
      `    sum by (${perBin}) (increase(${METRICS.labelScoreNegativesBelow.name}[${w}]))`,
      `    + 0.5 * ${bin('false', perBin)}`,
      `  )`,
      `)`,
      `/ ((${bin('true', 'model')} * ${bin('false', 'model')}) > 0)`,
    ].join('\n'),
  };
}

/**
 * The label-free estimate over the range from the expected counts summed over replicas. A
 * binary model's counters carry one class (the positive one): accuracy (tp + tn) / n and the
 * positive class's precision, recall, F1. A multiclass model's carry every class, one-vs-rest:
 * accuracy Σ_k tp_k / Σ_k (tp_k + fp_k) (each prediction is one class's tp or fp, so the sum is
 * n) and the macro means over the classes where each metric is defined. The number of classes
 * a model's counters carry tells the two apart, so neither formula sees the other's counts.
 */
function estimatedRules(w: string): RecordingRule[] {
  const perClass = `model_class_outcome:${bare(METRICS.estimatedConfusion.name)}:increase${w}`;
  const counts = `model_outcome:${bare(METRICS.estimatedConfusion.name)}:increase${w}`;
  const classes = `count by (model) (${perClass}{outcome="tp"})`;
  const o = (outcome: string) => `sum by (model) (${counts}{outcome="${outcome}"})`;
  const k = (outcome: string) => `${perClass}{outcome="${outcome}"}`;
  // Per class, the outcome label dropped so the classes' counts meet one to one.
  const perClassRatio = (numerator: string, denominator: string) =>
    [`  avg by (model) (`, `    ${numerator}`, `    / ignoring (outcome) ((${denominator}) > 0)`, `  )`].join('\n');
  const multiclass = (expr: string) => [`or`, `(`, expr, `  and on (model) (${classes} > 1)`, `)`];
  const metric = (name: string) => `model:mlwatch_estimated_performance_${name}:ratio${w}`;
  return [
    { record: perClass, expr: `sum by (model, class, outcome) (increase(${METRICS.estimatedConfusion.name}[${w}]))` },
    { record: counts, expr: `sum by (model, outcome) (${perClass})\nunless on (model) (${classes} > 1)` },
    {
      record: metric('accuracy'),
      expr: [
        `(${o('tp')} + ${o('tn')})`,
        `/ (sum by (model) (${counts}) > 0)`,
        ...multiclass(`  sum by (model) (${k('tp')})\n  / (sum by (model) (${perClass}{outcome=~"tp|fp"}) > 0)`),
      ].join('\n'),
    },
    {
      record: metric('precision'),
      expr: [`${o('tp')}\n/ ((${o('tp')} + ${o('fp')}) > 0)`, ...multiclass(perClassRatio(k('tp'), `${k('tp')} + ignoring (outcome) ${k('fp')}`))].join('\n'),
    },
    {
      record: metric('recall'),
      expr: [`${o('tp')}\n/ ((${o('tp')} + ${o('fn')}) > 0)`, ...multiclass(perClassRatio(k('tp'), `${k('tp')} + ignoring (outcome) ${k('fn')}`))].join('\n'),
    },
    {
      record: metric('f1'),
      expr: [
        `2 * ${o('tp')}\n/ ((2 * ${o('tp')} + ${o('fp')} + ${o('fn')}) > 0)`,
        ...multiclass(perClassRatio(`2 * ${k('tp')}`, `2 * ${k('tp')} + ignoring (outcome) ${k('fp')} + ignoring (outcome) ${k('fn')}`)),
      ].join('\n'),
    },
  ];
}

function bare(name: string): string {
  return name.replace(/_total$/, '');
}

export function renderPerformanceRules(options: PerformanceRulesOptions): string {
  const rules = performanceRules(options);
  const lines = [
    `# Generated by renderPerformanceRules (src/rules/performance-rules.ts) with window ${options.window}; do not edit.`,
    '# Regenerate with:',
    `#   mlwatch rules performance --window ${options.window} --out alert-rules/performance.rules.yml`,
    '# Realised performance over the last window from the joined labels of every replica: accuracy,',
    '# MAE, RMSE, R², ROC AUC and label coverage (README, "5. Send labels"); and the label-free estimate',
    '# over the same window from the expected confusion counts: accuracy, precision, recall, F1 (binary: the',
    '# positive class; multiclass: accuracy and macro means over the classes, one-vs-rest), and a regression\'s',
    '# MAE and RMSE from the expected-error sums (the reference\'s error per prediction bin).',
    'groups:',
    '  - name: mlwatch-performance',
    '    rules:',
  ];
  for (const rule of rules) {
    lines.push(`      - record: ${rule.record}`);
    if (rule.expr.includes('\n')) lines.push('        expr: |-', ...rule.expr.split('\n').map((l) => `          ${l}`));
    else lines.push(`        expr: ${JSON.stringify(rule.expr)}`);
  }
  return `${lines.join('\n')}\n`;
}
