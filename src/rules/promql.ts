// Small PromQL builders the alerts share: label lists that keep the target labels (job,
// instance) through every aggregation, and the minimum-sample guards against flapping.

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
export function fullWindow(samples: string, targetLabels: readonly string[]): string {
  return [`${samples}`, `  >= on (${labelList(targetLabels, 'model')}) group_left`, 'mlwatch_drift_min_samples'].join('\n');
}

/** Indents every line of a multi-line expression by `spaces`. */
export function indent(expr: string, spaces = 2): string {
  const pad = ' '.repeat(spaces);
  return expr
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
