// The grafana dashboard-linter's rules (test/dashboards/lint-rules.ts) over the committed
// dashboards — and over broken examples, to show each rule can fail.
import { describe, expect, it } from 'vitest';
import { allPanels, annotationQueries, committedDashboards, type Dashboard, type Panel } from './dashboards.js';
import { datasourceVariableProblems, exprProblems, panelProblems } from './lint-rules.js';

const BUILTIN_VARIABLES = ['__rate_interval', '__interval', '__range', '__from', '__to'];
const T = 'job=~"$job", namespace=~"$namespace", instance=~"$instance"';
const dashboards = committedDashboards();
const panels = allPanels();

describe('dashboard lint: the committed dashboards', () => {
  it('found the dashboards, panels and queries to check', () => {
    expect(dashboards.map((d) => d.dashboard.uid).sort()).toEqual(['mlwatch-data-quality', 'mlwatch-drift', 'mlwatch-overview', 'mlwatch-performance']);
    expect(panels.length).toBeGreaterThanOrEqual(25);
  });

  it.each(dashboards.map((c) => [c.file, c.dashboard] as const))('%s has the datasource and model variables', (_file, d) => {
    expect(datasourceVariableProblems(d)).toEqual([]);
    expect(d.templating.list.find((v) => v.name === 'model')).toMatchObject({ type: 'query', query: { query: `label_values(mlwatch_model_info{${T}}, model)` } });
  });

  it.each(dashboards.map((c) => [c.file, c.dashboard] as const))('%s has job, namespace and instance variables, each filtered by the ones before, All matching a missing label', (_file, d) => {
    const names = d.templating.list.map((v) => v.name);
    expect(names.slice(0, 5)).toEqual(['datasource', 'job', 'namespace', 'instance', 'model']);
    const byName = Object.fromEntries(d.templating.list.map((v) => [v.name, v]));
    expect(byName.job).toMatchObject({ type: 'query', includeAll: true, allValue: '.*', definition: 'label_values(mlwatch_model_info, job)' });
    expect(byName.namespace).toMatchObject({ includeAll: true, allValue: '.*', definition: 'label_values(mlwatch_model_info{job=~"$job"}, namespace)' });
    expect(byName.instance).toMatchObject({ includeAll: true, allValue: '.*', definition: 'label_values(mlwatch_model_info{job=~"$job", namespace=~"$namespace"}, instance)' });
  });

  it.each(dashboards.map((c) => [c.file, c.dashboard] as const))('%s annotates deploys, reference builds, reference changes and firing alerts, each query passing the rules', (_file, d) => {
    const annotations = annotationQueries(d);
    expect(annotations.map((a) => a.name)).toEqual(['Model deployed', 'Reference built', 'Reference changed', 'mlwatch alerts firing']);
    expect(annotations.map((a) => a.useValueForTime ?? false)).toEqual([true, true, true, false]);
    expect(annotations[0].expr).toContain('mlwatch_model_deploy_timestamp_seconds');
    expect(annotations[1].expr).toContain('mlwatch_reference_created_timestamp_seconds');
    expect(annotations[2].expr).toContain('mlwatch_reference_loaded_timestamp_seconds');
    expect(annotations[2].expr).toContain('mlwatch_reference_info');
    for (const a of annotations) {
      expect(a.datasource?.uid).toBe('${datasource}');
      expect(exprProblems(a.expr ?? ''), a.name).toEqual([]);
    }
    // "series value as timestamp" takes milliseconds, and only events inside the range.
    for (const a of annotations.filter((x) => x.useValueForTime)) expect(a.expr).toMatch(/\* 1000 > \$__from < \$__to$/);
  });

  it('every panel passes every rule', () => {
    const problems = panels.flatMap(({ dashboard, panel }) => panelProblems(panel).map((p) => `${dashboard.uid} / ${panel.title}: ${p}`));
    expect(problems).toEqual([]);
  });

  it.each(dashboards.map((c) => [c.file, c.dashboard] as const))('%s uses only variables it defines', (_file, d) => {
    const defined = new Set([...d.templating.list.map((v) => v.name), ...BUILTIN_VARIABLES]);
    const used = [...JSON.stringify([d.panels, d.annotations, d.templating]).matchAll(/\$\{?([a-zA-Z_]\w*)/g)].map((m) => m[1]).filter((v) => v !== '__all');
    expect([...new Set(used.filter((v) => !defined.has(v)))]).toEqual([]);
    for (const panel of panels.filter((p) => p.dashboard === d && p.panel.repeat)) expect(defined).toContain(panel.panel.repeat);
  });

  it('keeps the performance row collapsed, with panels ready beside the coming label metrics', () => {
    const overview = dashboards.find((c) => c.dashboard.uid === 'mlwatch-overview')?.dashboard;
    const row = overview?.panels.find((p) => p.type === 'row' && /^Performance/.test(p.title ?? ''));
    expect(row).toMatchObject({ collapsed: true });
    expect(row?.panels?.length).toBeGreaterThan(0);
  });
});

describe('dashboard lint: the rules catch broken panels', () => {
  const good: Panel = {
    type: 'timeseries',
    title: 't',
    description: 'd',
    fieldConfig: { defaults: { unit: 'ops' } },
    datasource: { type: 'prometheus', uid: '${datasource}' },
    targets: [{ refId: 'A', datasource: { type: 'prometheus', uid: '${datasource}' }, expr: `sum by (model) (rate(mlwatch_predictions_total{${T}, model=~"$model"}[$__rate_interval]))` }],
  };

  it('passes a good panel', () => {
    expect(panelProblems(good)).toEqual([]);
  });

  it.each([
    ['no title', { ...good, title: '' }],
    ['no description', { ...good, description: undefined }],
    ['no unit', { ...good, fieldConfig: { defaults: {} } }],
    ['not $datasource', { ...good, datasource: { type: 'prometheus', uid: 'prom-1' } }],
    ['no query', { ...good, targets: [] }],
    ['target datasource', { ...good, targets: [{ ...good.targets![0], datasource: undefined }] }],
  ] as const)('flags %s', (problem, panel) => {
    expect(panelProblems(panel as Panel).join('\n')).toContain(problem);
  });

  it.each([
    ['a fixed range', `rate(mlwatch_predictions_total{${T}, model=~"$model"}[5m])`, 'is not [$__rate_interval]'],
    ['a rate over a gauge', `rate(mlwatch_feature_drift{${T}, model=~"$model"}[$__rate_interval])`, 'not a counter'],
    ['a rate over a subquery', `rate((mlwatch_predictions_total{${T}, model=~"$model"})[$__rate_interval:])`, 'other than a range selector'],
    ['a metric outside the contract', `mlwatch_no_such_metric{${T}, model=~"$model"}`, 'not in src/metrics/definitions.ts'],
    ['a series without the model filter', `mlwatch_model_info{${T}}`, 'not filtered by model'],
    ['a series without the target filters', 'mlwatch_model_info{model=~"$model"}', 'not filtered by the target variables'],
    ['a series without the instance filter', 'mlwatch_model_info{job=~"$job", namespace=~"$namespace", model=~"$model"}', 'not filtered by the target variables'],
    ['ALERTS_FOR_STATE without filters', 'ALERTS_FOR_STATE{model=~"$model|"}', 'not filtered by the target variables'],
  ])('flags %s', (_name, expr, problem) => {
    expect(exprProblems(expr).join('\n')).toContain(problem);
  });

  it('does not read brackets inside label strings as ranges', () => {
    expect(exprProblems(`label_replace(mlwatch_model_info{${T}, model=~"$model"}, "bin", "($1]", "version", "(.*)")`)).toEqual([]);
  });

  it('flags a dashboard without a datasource variable', () => {
    const d: Dashboard = { uid: 'x', title: 'x', panels: [], templating: { list: [{ type: 'query', name: 'model' }] } };
    expect(datasourceVariableProblems(d)).toEqual(['no datasource template variable']);
  });
});
