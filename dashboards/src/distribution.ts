// Live vs reference distribution, bin by bin, in PromQL. The live histogram is cumulative
// (le buckets on the reference's bin edges); the reference shares are per bin with lower
// and upper labels equal to the le of the bucket below and of the matching bucket. So the
// live share of (lower, upper] is cum(le=upper) - cum(le=lower), over the count; the
// first bin (lower="-Inf") has no bucket below and takes 0. Each bin gets a readable
// "bin" label — "(lower, upper]" or the category — so live and reference rows merge on it,
// and numeric bins an "order" label to sort the bars by (binTransformations).
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MetricKey } from '../../src/metrics/definitions.js';
import { rate, selector, sumRate } from './promql.js';

export interface DistributionMetrics {
  /** Numeric histogram (le buckets on the reference edges). */
  histogram: MetricKey;
  /** Reference share per numeric bin, labels lower/upper. */
  referenceBins: MetricKey;
  /** Counter per category (or class). */
  categories: MetricKey;
  /** Reference share per category (or class). */
  referenceCategories: MetricKey;
  /** The category label: category for features, class for predictions. */
  categoryLabel: string;
  /** Labels that identify one distribution: model (and feature). */
  keys: readonly string[];
  matchers: readonly string[];
}

function list(labels: readonly string[]): string {
  return labels.join(', ');
}

/** Reference bins as the skeleton every live bin hangs on (max folds replicas together). */
function skeleton(m: DistributionMetrics): string {
  return `max by (${list([...m.keys, 'lower', 'upper'])}) (${selector(m.referenceBins, m.matchers)})`;
}

/** Cumulative live rate at each bin's `bound` (upper or lower), renamed from le. */
function cumulativeAt(m: DistributionMetrics, bound: 'upper' | 'lower'): string {
  const bucket = rate(selector(m.histogram, m.matchers, '_bucket'));
  return `sum by (${list([...m.keys, bound])}) (label_replace(${bucket}, "${bound}", "$1", "le", "(.+)"))`;
}

/**
 * Adds bin="(lower, upper]" for the axis, and order=upper with +Inf as 1e308: a number
 * Grafana can convert and sort the bars by (it reads "+Inf" as no number at all).
 */
function binLabel(expr: string): string {
  const bin = `label_replace(label_join(${expr}, "bin", ", ", "lower", "upper"), "bin", "($1]", "bin", "(.*)")`;
  return `label_replace(label_replace(${bin}, "order", "$1", "upper", "(.*)"), "order", "1e308", "upper", "[+]Inf")`;
}

export function liveNumericShare(m: DistributionMetrics): string {
  const keys = list(m.keys);
  const zero = `${skeleton(m)} * 0`;
  const upper = `(${zero} + on (${keys}, upper) group_left () ${cumulativeAt(m, 'upper')})`;
  const lower = `((${zero} + on (${keys}, lower) group_left () ${cumulativeAt(m, 'lower')}) or ${zero})`;
  const total = sumRate(m.keys, selector(m.histogram, m.matchers, '_count'));
  return binLabel(`(${upper} - ${lower}) / on (${keys}) group_left () ${total}`);
}

export function referenceNumericShare(m: DistributionMetrics): string {
  return binLabel(skeleton(m));
}

export function liveCategoryShare(m: DistributionMetrics): string {
  const counter = selector(m.categories, m.matchers);
  const share = `${sumRate([...m.keys, m.categoryLabel], counter)} / on (${list(m.keys)}) group_left () ${sumRate(m.keys, counter)}`;
  return `label_replace(${share}, "bin", "$1", "${m.categoryLabel}", "(.*)")`;
}

export function referenceCategoryShare(m: DistributionMetrics): string {
  const reference = `max by (${list([...m.keys, m.categoryLabel])}) (${selector(m.referenceCategories, m.matchers)})`;
  return `label_replace(${reference}, "bin", "$1", "${m.categoryLabel}", "(.*)")`;
}

/** One query per side; a numeric or a categorical distribution answers, whichever it is. */
export function distributionQueries(m: DistributionMetrics): { live: string; reference: string } {
  return {
    live: `${liveNumericShare(m)}\nor\n${liveCategoryShare(m)}`,
    reference: `${referenceNumericShare(m)}\nor\n${referenceCategoryShare(m)}`,
  };
}

/**
 * For a bar chart of a live and a reference query (instant, table format): merge them on
 * their labels into one row per bin, sort numeric bins by their upper bound, and keep the
 * bin, live and reference columns.
 */
export function binTransformations(hidden: readonly string[]): dashboard.DataTransformerConfig[] {
  return [
    { id: 'merge', options: {} },
    { id: 'convertFieldType', options: { conversions: [{ targetField: 'order', destinationType: 'number' }], fields: {} } },
    { id: 'sortBy', options: { fields: {}, sort: [{ field: 'order', desc: false }] } },
    {
      id: 'organize',
      options: {
        excludeByName: Object.fromEntries(['Time', 'order', 'lower', 'upper', ...hidden].map((name) => [name, true])),
        renameByName: { 'Value #A': 'live', 'Value #B': 'reference' },
      },
    },
  ];
}
