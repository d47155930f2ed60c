// The grafana dashboard-linter's rules (test/dashboards/lint-rules.ts) over the committed
// dashboards — and over broken examples, to show each rule can fail.
import { describe, expect, it } from 'vitest';
import { allPanels, committedDashboards, type Dashboard, type Panel } from './dashboards.js';
import { datasourceVariableProblems, exprProblems, panelProblems } from './lint-rules.js';

const BUILTIN_VARIABLES = ['__rate_interval', '__interval', '__range'];
const dashboards = committedDashboards();
const panels = allPanels();

describe('dashboard lint: the committed dashboards', () => {
  it('found the dashboards, panels and queries to check', () => {
    expect(dashboards.map((d) => d.dashboard.uid).sort()).toEqual(['mlwatch-data-quality', 'mlwatch-drift', 'mlwatch-overview']);
    expect(panels.length).toBeGreaterThanOrEqual(25);
  });

  it.each(dashboards.map((c) => [c.file, c.dashboard] as const))('%s has the datasource and model variables', (_file, d) => {
    expect(datasourceVariableProblems(d)).toEqual([]);
    expect(d.templating.list.find((v) => v.name === 'model')).toMatchObject({ type: 'query', query: { query: 'label_values(mlwatch_model_info, model)' } });
  });

  it('every panel passes every rule', () => {
    const problems = panels.flatMap(({ dashboard, panel }) => panelProblems(panel).map((p) => `${dashboard.uid} / ${panel.title}: ${p}`));
    expect(problems).toEqual([]);
  });

  it.each(dashboards.map((c) => [c.file, c.dashboard] as const))('%s uses only variables it defines', (_file, d) => {
    const defined = new Set([...d.templating.list.map((v) => v.name), ...BUILTIN_VARIABLES]);
    const used = [...JSON.stringify(d.panels).matchAll(/\$\{?([a-zA-Z_]\w*)/g)].map((m) => m[1]);
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
    targets: [{ refId: 'A', datasource: { type: 'prometheus', uid: '${datasource}' }, expr: 'sum by (model) (rate(mlwatch_predictions_total{model=~"$model"}[$__rate_interval]))' }],
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
    ['a fixed range', 'rate(mlwatch_predictions_total{model=~"$model"}[5m])', 'is not [$__rate_interval]'],
    ['a rate over a gauge', 'rate(mlwatch_feature_drift{model=~"$model"}[$__rate_interval])', 'not a counter'],
    ['a rate over a subquery', 'rate((mlwatch_predictions_total{model=~"$model"})[$__rate_interval:])', 'other than a range selector'],
    ['a metric outside the contract', 'mlwatch_no_such_metric{model=~"$model"}', 'not in src/metrics/definitions.ts'],
    ['a series without the model filter', 'mlwatch_model_info', 'not filtered by model'],
  ])('flags %s', (_name, expr, problem) => {
    expect(exprProblems(expr).join('\n')).toContain(problem);
  });

  it('does not read brackets inside label strings as ranges', () => {
    expect(exprProblems('label_replace(mlwatch_model_info{model=~"$model"}, "bin", "($1]", "version", "(.*)")')).toEqual([]);
  });

  it('flags a dashboard without a datasource variable', () => {
    const d: Dashboard = { uid: 'x', title: 'x', panels: [], templating: { list: [{ type: 'query', name: 'model' }] } };
    expect(datasourceVariableProblems(d)).toEqual(['no datasource template variable']);
  });
});
