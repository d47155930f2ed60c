// The alert-rule lint (in the spirit of ceph-mixin's validate_rules.py): every alert has a
// unit test that sees it fire (with its model, feature and instance labels) and stay silent,
// severity, team, a static summary, a templated description, a runbook_url whose anchor
// exists, a for:, a flapping guard, and PromQL that keeps the target labels and uses only
// metrics mlwatch exports and functions Prometheus 2.42 has.
import { load } from 'js-yaml';
import { METRICS } from '../../src/metrics/definitions.js';
import { durationSeconds } from '../../src/rules/duration.js';
import type { LoadedRules } from './alerts-support.js';

/** A promtool unit-test file, the parts the lint reads. */
export interface RuleTestFile {
  name: string;
  text: string;
}

interface ParsedTests {
  rule_files?: string[];
  tests?: {
    name?: string;
    interval?: string;
    alert_rule_test?: { eval_time: string; alertname: string; exp_alerts?: { exp_labels?: Record<string, string> }[] }[];
  }[];
}

export const FEATURE_ALERTS = [
  'MLWatchFeatureDriftWarning',
  'MLWatchFeatureDriftCritical',
  'MLWatchFeatureNullRateHigh',
  'MLWatchFeatureTypeErrors',
  'MLWatchFeatureOutOfRange',
  'MLWatchSegmentFeatureDrift',
];
/** Alerts whose value says nothing (0 or 1), so their description need not print it. */
const VALUE_FREE = ['MLWatchDown', 'MLWatchTrafficStopped', 'MLWatchSegmentFeatureDrift', 'MLWatchConfigReloadFailed', 'MLWatchLabelsStopped'];
/** Alerts about mlwatch itself, not about a model: no model label. */
const INSTANCE_ALERTS = ['MLWatchDown', 'MLWatchCollectorFailing', 'MLWatchConfigReloadFailed'];
/** Alerts on a 0/1 state of mlwatch itself (up, a refused reload): no samples to guard. */
const STATE_ALERTS = ['MLWatchDown', 'MLWatchConfigReloadFailed'];
/** Functions and aggregations the rules may use: all in Prometheus 2.42 and 3.x (last_over_time since 2.26). */
const ALLOWED_FUNCTIONS = new Set(['abs', 'rate', 'increase', 'histogram_quantile', 'time', 'sum', 'count', 'max', 'min', 'last_over_time', 'avg_over_time', 'count_over_time']);
const PROMQL_KEYWORDS = new Set(['by', 'on', 'without', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless']);
/** What makes an alert not flap on a handful of events. */
const GUARDS = [/count_over_time\([^)]*\) >= \d+/, /mlwatch_drift_min_samples/, /increase\([^)]*\)\) >= \d+/, /\(mlwatch_predictions_total(?: or .*)?\) >= \d+/];

/** GitHub's anchor for a markdown heading. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

export function runbookAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (heading) anchors.add(githubSlug(heading[1]));
  }
  return anchors;
}

function exportedMetricNames(): Set<string> {
  const names = new Set<string>(['up']);
  for (const metric of Object.values(METRICS)) {
    names.add(metric.name);
    if (metric.type === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) names.add(metric.name + suffix);
  }
  return names;
}

/** Every problem with the rules; empty when they pass. */
export function lintAlertRules(
  rules: LoadedRules,
  testFiles: RuleTestFile[],
  runbookMarkdown: string,
  options: { contract: readonly string[]; targetLabels: readonly string[] },
): string[] {
  const problems: string[] = [];
  const anchors = runbookAnchors(runbookMarkdown);
  const metrics = exportedMetricNames();
  const coverage = testCoverage(testFiles, problems);
  const seen = new Set<string>();
  for (const group of rules.groups) {
    for (const rule of group.rules) {
      if (rule.alert === undefined) continue;
      const name = rule.alert;
      const at = `${group.name}/${name}`;
      seen.add(name);
      if (!/^MLWatch[A-Z][A-Za-z0-9]*$/.test(name)) problems.push(`${at}: name is not CamelCase with the MLWatch prefix`);
      if (!options.contract.includes(name)) problems.push(`${at}: not one of the contract's alert names`);
      const labels = rule.labels ?? {};
      if (labels.severity !== 'critical' && labels.severity !== 'warning') problems.push(`${at}: severity label missing or not critical|warning`);
      if (labels.team !== 'data-science' && labels.team !== 'sre') problems.push(`${at}: team label missing or not data-science|sre`);
      const notes = rule.annotations ?? {};
      if (!notes.summary) problems.push(`${at}: no summary`);
      else if (notes.summary.includes('{{')) problems.push(`${at}: summary is templated (it must be static)`);
      problems.push(...descriptionProblems(at, name, notes.description));
      if (!notes.runbook_url) problems.push(`${at}: no runbook_url`);
      else {
        const [base, anchor] = notes.runbook_url.split('#');
        if (!base.endsWith('/docs/runbook.md')) problems.push(`${at}: runbook_url does not point at docs/runbook.md`);
        if (anchor === undefined || !anchors.has(anchor)) problems.push(`${at}: runbook_url anchor #${anchor ?? ''} is not a heading of docs/runbook.md`);
      }
      const forSeconds = rule.for === undefined ? null : durationSeconds(rule.for);
      if (forSeconds === null || forSeconds <= 0) problems.push(`${at}: no positive for:`);
      problems.push(...exprProblems(at, name, rule.expr, metrics, options.targetLabels));
      const covered = coverage.get(name);
      if (!covered?.fires) problems.push(`${at}: no unit test sees it fire`);
      if (!covered?.silentBeforeFiring) problems.push(`${at}: no unit test sees it silent before it fires (below the threshold or before for:)`);
    }
  }
  for (const name of options.contract) if (!seen.has(name)) problems.push(`${name}: in the contract but not in the rules`);
  return problems;
}

function descriptionProblems(at: string, name: string, description: string | undefined): string[] {
  if (!description) return [`${at}: no description`];
  const problems: string[] = [];
  if (!description.includes('{{')) problems.push(`${at}: description is not templated`);
  if (!INSTANCE_ALERTS.includes(name) && !description.includes('{{ $labels.model }}')) problems.push(`${at}: description does not name the model`);
  if (!description.includes('{{ $labels.instance }}')) problems.push(`${at}: description does not name the instance`);
  if (FEATURE_ALERTS.includes(name) && !description.includes('{{ $labels.feature }}')) problems.push(`${at}: description does not name the feature`);
  if (!VALUE_FREE.includes(name) && !description.includes('$value')) problems.push(`${at}: description does not give the value`);
  return problems;
}

function exprProblems(at: string, name: string, expr: string, metrics: Set<string>, targetLabels: readonly string[]): string[] {
  const problems: string[] = [];
  for (const clause of expr.match(/\b(?:by|on) \(([^)]*)\)/g) ?? []) {
    const labels = clause.slice(clause.indexOf('(') + 1, -1).split(',').map((l) => l.trim());
    for (const label of targetLabels) if (!labels.includes(label)) problems.push(`${at}: "${clause}" drops the ${label} label`);
  }
  for (const metric of expr.match(/\b(?:mlwatch_[a-z_]+|up)\b(?=\s*[{[)\s|"]|$)/g) ?? []) {
    if (!metrics.has(metric)) problems.push(`${at}: uses ${metric}, which mlwatch does not export`);
  }
  for (const [, fn] of expr.matchAll(/\b([a-z_]+)\s*\(/g)) {
    if (!PROMQL_KEYWORDS.has(fn) && !ALLOWED_FUNCTIONS.has(fn)) problems.push(`${at}: uses ${fn}(), not on the 2.42-safe list`);
  }
  if (!STATE_ALERTS.includes(name) && !GUARDS.some((guard) => guard.test(expr))) problems.push(`${at}: no minimum-sample guard`);
  return problems;
}

/** Labels a firing alert must carry (the unit tests prove the rules keep them). */
function requiredLabels(alert: string): string[] {
  const labels = ['severity', 'team', 'job', 'instance'];
  if (!INSTANCE_ALERTS.includes(alert)) labels.push('model');
  if (FEATURE_ALERTS.includes(alert)) labels.push('feature');
  return labels;
}

interface Coverage {
  fires: boolean;
  silentBeforeFiring: boolean;
}

/** Per alert: a test where it fires, and one where it is silent at an earlier eval_time. */
function testCoverage(files: RuleTestFile[], problems: string[]): Map<string, Coverage> {
  const coverage = new Map<string, Coverage>();
  for (const file of files) {
    const parsed = load(file.text) as ParsedTests;
    for (const [i, test] of (parsed.tests ?? []).entries()) {
      if (test.interval === undefined) problems.push(`${file.name}: tests[${i}] has no interval: (2.42 needs it set)`);
      const byAlert = new Map<string, { silent: number[]; firing: number[] }>();
      for (const check of test.alert_rule_test ?? []) {
        const entry = byAlert.get(check.alertname) ?? { silent: [], firing: [] };
        const time = durationSeconds(check.eval_time) ?? NaN;
        ((check.exp_alerts ?? []).length > 0 ? entry.firing : entry.silent).push(time);
        for (const [k, expected] of (check.exp_alerts ?? []).entries()) {
          for (const label of requiredLabels(check.alertname)) {
            if (expected.exp_labels?.[label] === undefined) {
              problems.push(`${file.name}: tests[${i}] expects ${check.alertname} at ${check.eval_time} (#${k}) without a ${label} label`);
            }
          }
        }
        byAlert.set(check.alertname, entry);
      }
      for (const [alert, { silent, firing }] of byAlert) {
        const seen = coverage.get(alert) ?? { fires: false, silentBeforeFiring: false };
        seen.fires ||= firing.length > 0;
        seen.silentBeforeFiring ||= silent.some((s) => firing.some((f) => s < f));
        coverage.set(alert, seen);
      }
    }
  }
  return coverage;
}
