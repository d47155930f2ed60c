// The grafana dashboard-linter's rules as pure functions over dashboard JSON, each
// returning the problems it finds (empty when clean), so tests can run them on the
// committed dashboards and on broken examples alike:
//   template-datasource-rule   a datasource variable of type prometheus exists
//   panel-datasource-rule      every panel and every target uses that variable
//   target-rate-interval-rule  every range vector is [$__rate_interval]
//   target-counter-agg-rule    rate/irate/increase only on counters (_total, _bucket, _count, _sum)
//   panel-title-description    every panel has a title and a description
//   panel-units-rule           every panel has a unit
//   (mlwatch)                  every panel has a non-empty query; metric names are in the
//                              contract; every mlwatch series (and ALERTS) is filtered by
//                              $model and by the target variables $job, $namespace, $instance
import { METRICS } from '../../src/metrics/definitions.js';
import type { Dashboard, Panel, Target } from './dashboards.js';

const DATASOURCE_UIDS = ['${datasource}', '$datasource'];
const RATE_FUNCTIONS = /\b(rate|irate|increase)\s*\(/g;
const RATE_ON_SELECTOR = /\b(?:rate|irate|increase)\s*\(\s*([a-zA-Z_:][\w:]*)\s*(?:\{[^}]*\})?\s*\[([^\]]*)\]/g;
const COUNTER_SUFFIX = /_(total|bucket|count|sum)$/;
const SERIES = /\b(mlwatch_\w+|ALERTS(?:_FOR_STATE)?)\b\s*(\{[^}]*\})?/g;
const TARGET_FILTERS = [/job=~"\$job"/, /namespace=~"\$namespace/, /instance=~"\$instance"/];

/** Removes string literals, so label values such as "($1]" do not read as syntax. */
export function withoutStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

export function datasourceVariableProblems(d: Dashboard): string[] {
  const variable = d.templating.list.find((v) => v.type === 'datasource');
  if (!variable) return ['no datasource template variable'];
  return variable.query === 'prometheus' ? [] : [`datasource variable $${variable.name} is of type ${JSON.stringify(variable.query)}, not prometheus`];
}

export function panelProblems(panel: Panel): string[] {
  const problems: string[] = [];
  if (!panel.title?.trim()) problems.push('no title');
  if (!panel.description?.trim()) problems.push('no description');
  if (!panel.fieldConfig?.defaults?.unit?.trim()) problems.push('no unit');
  if (!DATASOURCE_UIDS.includes(panel.datasource?.uid ?? '')) problems.push(`panel datasource ${JSON.stringify(panel.datasource)} is not $datasource`);
  const targets = panel.targets ?? [];
  if (targets.length === 0) problems.push('no query');
  for (const target of targets) problems.push(...targetProblems(target).map((p) => `${target.refId}: ${p}`));
  return problems;
}

export function targetProblems(target: Target): string[] {
  if (!target.expr?.trim()) return ['empty query'];
  const problems: string[] = [];
  if (!DATASOURCE_UIDS.includes(target.datasource?.uid ?? '')) problems.push(`target datasource ${JSON.stringify(target.datasource)} is not $datasource`);
  return [...problems, ...exprProblems(target.expr)];
}

export function exprProblems(expr: string): string[] {
  const problems: string[] = [];
  const bare = withoutStrings(expr);
  for (const m of bare.matchAll(/\[([^\]]*)\]/g)) if (m[1] !== '$__rate_interval') problems.push(`range [${m[1]}] is not [$__rate_interval]`);
  const onSelectors = [...bare.matchAll(RATE_ON_SELECTOR)];
  if (onSelectors.length !== [...bare.matchAll(RATE_FUNCTIONS)].length) problems.push('rate/irate/increase over something other than a range selector');
  for (const m of onSelectors) if (!COUNTER_SUFFIX.test(m[1])) problems.push(`rate over ${m[1]}, not a counter`);
  for (const m of bare.matchAll(SERIES)) {
    if (!KNOWN_SERIES.has(m[1])) problems.push(`${m[1]} is not in src/metrics/definitions.ts`);
  }
  for (const m of expr.matchAll(SERIES)) {
    if (!/model=~"\$model/.test(m[2] ?? '')) problems.push(`${m[0]} is not filtered by model=~"$model"`);
    const unfiltered = TARGET_FILTERS.filter((filter) => !filter.test(m[2] ?? ''));
    if (unfiltered.length > 0) problems.push(`${m[0]} is not filtered by the target variables ($job, $namespace, $instance)`);
  }
  return problems;
}

const KNOWN_SERIES = new Set<string>(['ALERTS', 'ALERTS_FOR_STATE']);
for (const m of Object.values(METRICS)) {
  KNOWN_SERIES.add(m.name);
  if (m.type === 'histogram') for (const s of ['_bucket', '_count', '_sum']) KNOWN_SERIES.add(m.name + s);
}
