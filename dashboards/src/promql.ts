// PromQL building blocks shared by the dashboards: selectors filtered by the dashboard
// variables, rates over $__rate_interval, and ratios of counters. Metric names come from
// the contract (src/metrics/definitions.ts), so a renamed metric breaks the build here.
import { METRICS, type MetricKey } from '../../src/metrics/definitions.js';

/** Grafana's rate window: at least four scrape intervals, so a rate never sees one sample. */
export const RATE_INTERVAL = '$__rate_interval';

/** Matchers for the model variable (multi-value and All expand to a regex). */
export const MODEL = 'model=~"$model"';
export const FEATURE = 'feature=~"$feature"';

/**
 * Which scrape targets: the job, namespace and instance variables, on every mlwatch series,
 * so replicas and environments are told apart instead of merged. Their All is ".*", which
 * also matches a target without the label (a namespace where targets carry none).
 */
export const TARGET = ['job=~"$job"', 'namespace=~"$namespace"', 'instance=~"$instance"'] as const;

/**
 * ALERTS carry the rules' target_labels (job and instance by default; namespace only when
 * thresholds.yaml adds it), so an alert without a namespace label shows under every
 * namespace rather than vanish; MLWatchDown has no model label, so "no model" matches too.
 */
export function alerts(extra: readonly string[] = [], name: 'ALERTS' | 'ALERTS_FOR_STATE' = 'ALERTS'): string {
  const matchers = ['alertname=~"MLWatch.*"', 'job=~"$job"', 'namespace=~"$namespace|"', 'instance=~"$instance"', 'model=~"$model|"', ...extra];
  return `${name}{${matchers.join(', ')}}`;
}

export function metric(key: MetricKey): string {
  return METRICS[key].name;
}

/** `name{target, matchers}`; `suffix` picks a histogram series (_bucket, _count, _sum). */
export function selector(key: MetricKey, matchers: readonly string[] = [MODEL], suffix = ''): string {
  return `${metric(key)}${suffix}{${[...TARGET, ...matchers].join(', ')}}`;
}

export function rate(series: string): string {
  return `rate(${series}[${RATE_INTERVAL}])`;
}

/** `sum by (labels) (rate(counter))`, the per-second rate of a counter grouped by `labels`. */
export function sumRate(by: readonly string[], series: string): string {
  return `sum by (${by.join(', ')}) (${rate(series)})`;
}

/**
 * A per-feature counter's rate as a share of the events the model accepted: 0 when the
 * feature is healthy, NaN only while the model has no traffic in the window.
 */
export function shareOfEvents(key: MetricKey, by: readonly string[], matchers: readonly string[]): string {
  return (
    `${sumRate(by, selector(key, matchers))}\n` +
    `/ on (model) group_left ()\n` +
    `${sumRate(['model'], selector('predictions'))}`
  );
}

/**
 * A per-feature counter's rate as a share of the feature's values of the right type
 * (mlwatch_feature_values_total), the denominator the out-of-range alert divides by.
 */
export function shareOfValues(key: MetricKey, by: readonly string[], matchers: readonly string[]): string {
  return `${sumRate(by, selector(key, matchers))}\n/\n${sumRate(by, selector('featureValues', matchers))}`;
}

export function histogramQuantile(q: number, key: MetricKey, by: readonly string[] = ['model']): string {
  return `histogram_quantile(${q}, ${sumRate([...by, 'le'], selector(key, [MODEL], '_bucket'))})`;
}
