// Small PromQL builders the alerts share: label lists that keep the target labels (job,
// instance) through every aggregation, the minimum-sample guards against flapping, and
// gauges held through a failed scrape.
import type { AlertThresholds } from './thresholds.js';

/** "job, instance, model, feature": the target labels, then the extra ones. */
export function labelList(targetLabels: readonly string[], ...extra: string[]): string {
  return [...targetLabels, ...extra].join(', ');
}

/** A number as PromQL reads it back exactly. */
export function num(value: number): string {
  return String(value);
}

/** Percent text for descriptions, e.g. 0.05 -> "5%". */
export function percent(share: number): string {
  return `${Number((share * 100).toPrecision(6))}%`;
}

/**
 * Series of `samples` (per model[, feature]) whose drift window holds at least the model's
 * exported min_samples; the drift gauges are absent below it, this makes the guard explicit.
 */
export function fullWindow(t: AlertThresholds, samples: string): string {
  return [
    heldGauge(t, samples),
    `  >= on (${labelList(t.target_labels, 'model')}) ${GROUP_LEFT}`,
    heldGauge(t, 'mlwatch_drift_min_samples'),
  ].join('\n');
}

/** group_left with its (empty) label list spelled out: a bare one would read a following "(" as its labels. */
export const GROUP_LEFT = 'group_left ()';

/**
 * A gauge (or any instant read) as mlwatch last exported it. While the target answers
 * scrapes it is the selector itself, so a series mlwatch stops exporting is gone at once;
 * while the scrape fails (up == 0) every series went stale, which is no news about the
 * model, so the last value from up to gauge_hold ago stands in. Without this, an alert on
 * a gauge would resolve at the first failed scrape, before MLWatchDown fires and mutes it.
 * Range selectors skip staleness markers, so last_over_time returns the last real sample.
 */
export function heldGauge(t: AlertThresholds, selector: string): string {
  return `(${selector} or (last_over_time(${selector}[${t.gauge_hold}]) and on (${labelList(t.target_labels)}) ${targetDown(t)}))`;
}

/** The mlwatch targets whose last scrape failed. */
export function targetDown(t: AlertThresholds): string {
  return `up{job="${t.job}"} == 0`;
}

/** Indents every line of a multi-line expression by `spaces`. */
export function indent(expr: string, spaces = 2): string {
  const pad = ' '.repeat(spaces);
  return expr
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
