// The meta-test: fails when any alert lacks a unit test (firing, and silent before it),
// severity, team, summary, description or runbook_url, when a runbook_url anchor is not a
// heading of docs/runbook.md, or when docs/alerts.md disagrees with thresholds.yaml.
// The lint itself is tested on broken copies, so a lint that passes everything fails here.
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_NAMES, loadThresholds } from '../../src/rules/alerts.js';
import { ALERTS_DOC_FILE, RULES_FILE, RUNBOOK_FILE, THRESHOLDS_FILE, loadRules, readText, ruleTestFiles } from './alerts-support.js';
import { githubSlug, lintAlertRules, runbookAnchors, type RuleTestFile } from './alerts-lint.js';

const CONTRACT = [
  'MLWatchDown',
  'MLWatchCollectorFailing',
  'MLWatchConfigReloadFailed',
  'MLWatchFeatureDriftWarning',
  'MLWatchFeatureDriftCritical',
  'MLWatchPredictionDrift',
  'MLWatchDatasetDrift',
  'MLWatchDriftComputeFailing',
  'MLWatchDriftStale',
  'MLWatchFeatureNullRateHigh',
  'MLWatchFeatureTypeErrors',
  'MLWatchFeatureOutOfRange',
  'MLWatchPredictionNonFinite',
  'MLWatchInferenceLatencyHigh',
  'MLWatchTrafficStopped',
  'MLWatchModelStale',
  'MLWatchUnexpectedModelVersion',
  'MLWatchEventsRejected',
  'MLWatchSegmentFeatureDrift',
  'MLWatchVariantPredictionDivergence',
  'MLWatchEstimatedPerformanceDrop',
  'MLWatchRealisedPerformanceBelowReference',
  'MLWatchEstimateRealisedGap',
  'MLWatchLabelsStopped',
  'MLWatchLabelCoverageLow',
  'MLWatchLabelLagHigh',
  'MLWatchLabelStoreEvicting',
  'MLWatchLabelStoreErrors',
];

function shippedTests(): RuleTestFile[] {
  return ruleTestFiles().map((path) => ({ name: basename(path), text: readText(path) }));
}

function lint(rulesText = readText(RULES_FILE), tests = shippedTests(), runbook = readText(RUNBOOK_FILE)): string[] {
  return lintAlertRules(loadRules(rulesText), tests, runbook, { contract: CONTRACT, targetLabels: ['job', 'instance'] });
}

describe('every shipped alert is complete and tested', () => {
  it('the generator knows exactly the contract alerts', () => {
    expect([...ALERT_NAMES].sort()).toEqual([...CONTRACT].sort());
  });

  it('the lint finds no problem in the shipped rules, tests and runbook', () => {
    expect(lint()).toEqual([]);
  });

  it('finds the unit-test files of the alert rules', () => {
    expect(shippedTests().map((f) => f.name)).toEqual(['availability.test.yml', 'data-quality.test.yml', 'drift.test.yml', 'labels.test.yml', 'performance.test.yml', 'serving.test.yml', 'slices.test.yml']);
  });

  it('docs/runbook.md has one section per alert and nothing else at that level', () => {
    const sections = readText(RUNBOOK_FILE)
      .split('\n')
      .filter((line) => line.startsWith('## '))
      .map((line) => line.slice(3));
    expect(sections).toEqual(CONTRACT);
    for (const name of CONTRACT) {
      const section = readText(RUNBOOK_FILE).split(`## ${name}\n`)[1].split('\n## ')[0];
      for (const part of ['**Meaning.**', '**Likely causes.**', '**Check first.**', '**Silence.**']) expect(section, `${name} ${part}`).toContain(part);
    }
  });

  it('every link inside docs/runbook.md to a section exists', () => {
    const text = readText(RUNBOOK_FILE);
    const anchors = runbookAnchors(text);
    for (const [, anchor] of text.matchAll(/\]\(#([^)]+)\)/g)) expect(anchors.has(anchor), anchor).toBe(true);
  });

  it("docs/alerts.md lists every alert with thresholds.yaml's for, severity and team", () => {
    const t = loadThresholds(THRESHOLDS_FILE);
    const rows = new Map<string, string[]>();
    for (const line of readText(ALERTS_DOC_FILE).split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      if (cells.length === 10 && /^MLWatch/.test(cells[1])) rows.set(cells[1], cells.slice(1, -1));
    }
    expect([...rows.keys()]).toEqual(CONTRACT);
    for (const name of ALERT_NAMES) {
      const [, , , , , forCell, severity, team] = rows.get(name) as string[];
      const settings = t.alerts[name];
      expect({ name, for: forCell, severity, team }).toEqual({ name, for: settings.for, severity: settings.severity, team: settings.team });
    }
  });
});

describe('the lint catches what it promises to', () => {
  const rules = readText(RULES_FILE);

  it('a missing team or severity label', () => {
    const broken = rules.replace(/( {6}- alert: MLWatchFeatureTypeErrors\n(?:.*\n)*?) {10}team: data-science\n/, '$1');
    expect(broken).not.toBe(rules);
    expect(lint(broken)).toEqual(['mlwatch-data-quality/MLWatchFeatureTypeErrors: team label missing or not data-science|sre']);
    expect(lint(rules.replace('severity: critical\n          team: sre\n', 'severity: page\n          team: sre\n'))).toEqual([
      'mlwatch-availability/MLWatchDown: severity label missing or not critical|warning',
    ]);
  });

  it('a missing or templated summary, a missing or static description, a missing runbook_url', () => {
    const at = 'mlwatch-serving/MLWatchEventsRejected';
    const rule = rules.slice(rules.indexOf('- alert: MLWatchEventsRejected'));
    const swap = (from: RegExp, to: string): string => rules.replace(rule, rule.replace(from, to));
    expect(lint(swap(/ {10}summary: .*\n/, ''))).toEqual([`${at}: no summary`]);
    expect(lint(swap(/summary: ".*"/, 'summary: "{{ $labels.model }} rejects"'))).toEqual([`${at}: summary is templated (it must be static)`]);
    expect(lint(swap(/ {10}description: .*\n/, ''))).toEqual([`${at}: no description`]);
    expect(lint(swap(/description: ".*"/, 'description: "Too many rejects."'))).toEqual([
      `${at}: description is not templated`,
      `${at}: description does not name the model`,
      `${at}: description does not name the instance`,
      `${at}: description does not give the value`,
    ]);
    expect(lint(swap(/ {10}runbook_url: .*\n/, ''))).toEqual([`${at}: no runbook_url`]);
  });

  it('a runbook_url anchor that is not a heading of the runbook', () => {
    const runbook = readText(RUNBOOK_FILE).replace('## MLWatchModelStale\n', '## Model stale\n');
    expect(lint(undefined, undefined, runbook)).toEqual([
      'mlwatch-serving/MLWatchModelStale: runbook_url anchor #mlwatchmodelstale is not a heading of docs/runbook.md',
    ]);
  });

  it('an alert without a unit test, or only with one that sees it fire', () => {
    const tests = shippedTests().map((f) => ({ ...f, text: f.text.replaceAll('alertname: MLWatchTrafficStopped', 'alertname: Other') }));
    expect(lint(undefined, tests)).toEqual([
      'mlwatch-serving/MLWatchTrafficStopped: no unit test sees it fire',
      'mlwatch-serving/MLWatchTrafficStopped: no unit test sees it silent before it fires (below the threshold or before for:)',
    ]);
    const onlyFiring = shippedTests().map((f) => ({
      ...f,
      text: f.text.replaceAll(/ {6}- eval_time: \d+m\n {8}alertname: MLWatchTrafficStopped\n {8}exp_alerts: \[\]\n/g, ''),
    }));
    expect(lint(undefined, onlyFiring)).toEqual([
      'mlwatch-serving/MLWatchTrafficStopped: no unit test sees it silent before it fires (below the threshold or before for:)',
    ]);
  });

  it('a unit test expecting a model alert without its feature label', () => {
    const tests = shippedTests().map((f) =>
      f.name === 'data-quality.test.yml' ? { ...f, text: f.text.replace('model: credit, feature: income}', 'model: credit}') } : f,
    );
    expect(lint(undefined, tests)).toEqual([
      'data-quality.test.yml: tests[0] expects MLWatchFeatureNullRateHigh at 11m (#0) without a feature label',
    ]);
  });

  it('a test group without interval:', () => {
    const tests = shippedTests().map((f) =>
      f.name === 'availability.test.yml' ? { ...f, text: f.text.replace('    interval: 1m\n', '') } : f,
    );
    expect(lint(undefined, tests)).toEqual(['availability.test.yml: tests[0] has no interval: (2.42 needs it set)']);
  });

  it('an aggregation dropping instance, an unknown metric, a post-2.42 function, no guard', () => {
    const at = 'mlwatch-data-quality/MLWatchPredictionNonFinite';
    const rule = rules.slice(rules.indexOf('- alert: MLWatchPredictionNonFinite'), rules.indexOf('- alert: MLWatchInferenceLatencyHigh'));
    const edit = (f: (r: string) => string): string[] => lint(rules.replace(rule, f(rule)));
    expect(edit((r) => r.replace('sum by (job, instance, model) (rate(mlwatch_prediction_nonfinite_total', 'sum by (job, model) (rate(mlwatch_prediction_nonfinite_total'))).toEqual([
      `${at}: "by (job, model)" drops the instance label`,
    ]);
    expect(edit((r) => r.replace('mlwatch_prediction_nonfinite_total', 'mlwatch_prediction_nan_total'))).toEqual([
      `${at}: uses mlwatch_prediction_nan_total, which mlwatch does not export`,
    ]);
    expect(edit((r) => r.replace('(rate(mlwatch_prediction_nonfinite_total[10m]))', '(double_exponential_smoothing(mlwatch_prediction_nonfinite_total[10m], 0.5, 0.5))'))).toEqual([
      `${at}: uses double_exponential_smoothing(), not on the 2.42-safe list`,
    ]);
    expect(edit((r) => r.replace(/ {10}and on .*\n {10}sum by .*increase.*\n/, ''))).toEqual([`${at}: no minimum-sample guard`]);
  });
});

describe('githubSlug', () => {
  it('makes the anchors GitHub makes', () => {
    expect(githubSlug('MLWatchDown')).toBe('mlwatchdown');
    expect(githubSlug('Why these choices')).toBe('why-these-choices');
    expect(githubSlug('Not alerted on (dashboards only)')).toBe('not-alerted-on-dashboards-only');
  });
});
