// Template variables: the Prometheus datasource; the scrape job, namespace and instance
// (which replicas, which environment); then model and feature read from mlwatch's own
// series (so only monitored models and their declared features appear), and the drift
// method, a fixed list from the metric contract. Each is filtered by the ones before it.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE } from './panels.js';
import { TARGET, metric } from './promql.js';

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus');
}

function labelValues(name: string, label: string, query: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query({ query, refId: `${name}-variable` })
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .current({ selected: true, text: 'All', value: '$__all' });
}

/** A target label's values among mlwatch's targets; All is ".*" so a target without the label still matches. */
function targetVariable(name: string, label: string, filters: readonly string[]): dashboard.QueryVariableBuilder {
  const query = `label_values(${metric('modelInfo')}${filters.length === 0 ? '' : `{${filters.join(', ')}}`}, ${name})`;
  return labelValues(name, label, query).allValue('.*');
}

export function jobVariable(): dashboard.QueryVariableBuilder {
  return targetVariable('job', 'Job', []);
}

/** Empty (All only) when the targets carry no namespace label, e.g. outside Kubernetes. */
export function namespaceVariable(): dashboard.QueryVariableBuilder {
  return targetVariable('namespace', 'Namespace', [TARGET[0]]);
}

export function instanceVariable(): dashboard.QueryVariableBuilder {
  return targetVariable('instance', 'Instance', [TARGET[0], TARGET[1]]);
}

export function modelVariable(): dashboard.QueryVariableBuilder {
  return labelValues('model', 'Model', `label_values(${metric('modelInfo')}{${TARGET.join(', ')}}, model)`);
}

/** The features the selected models declare (mlwatch exports their counters from start). */
export function featureVariable(): dashboard.QueryVariableBuilder {
  return labelValues('feature', 'Feature', `label_values(${metric('featureValues')}{${TARGET.join(', ')}, model=~"$model"}, feature)`);
}

export const NUMERIC_METHODS = ['psi', 'jensen_shannon', 'wasserstein_normalized', 'ks'] as const;
export const CATEGORICAL_METHODS = ['psi', 'jensen_shannon', 'chi2_pvalue', 'chebyshev'] as const;
export const METHODS = [...new Set([...NUMERIC_METHODS, ...CATEGORICAL_METHODS])];

export function methodVariable(): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder('method')
    .label('Drift method')
    .values(METHODS.join(','))
    .multi(true)
    .includeAll(true)
    .current({ selected: true, text: 'psi', value: 'psi' });
}

/**
 * The metrics mlwatch exports realised and on the reference, and (all but r2) estimated:
 * classifiers' first, then a regression's, so a regression's panels have a metric to show.
 */
export const PERFORMANCE_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'mae', 'rmse', 'r2'] as const;

export function performanceMetricVariable(): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder('metric')
    .label('Metric')
    .values(PERFORMANCE_METRICS.join(','))
    .current({ selected: true, text: 'accuracy', value: 'accuracy' });
}

/** The variants of the selected models that have realised performance; All is ".*" (also no variants). */
export function variantVariable(): dashboard.QueryVariableBuilder {
  return labelValues('variant', 'Variant', `label_values(${metric('variantPredictions')}{${TARGET.join(', ')}, model=~"$model"}, variant)`).allValue('.*');
}

/** The segment features of the selected models; All is ".*". */
export function segmentVariable(): dashboard.QueryVariableBuilder {
  return labelValues('segment', 'Segment', `label_values(${metric('segmentPredictions')}{${TARGET.join(', ')}, model=~"$model"}, segment)`).allValue('.*');
}
