// Reading the committed dashboards the way Grafana would: every panel (rows' nested panels
// included), every query and annotation query, and each query with the template variables
// replaced by concrete values — one case per value of a variable the panel repeats on, the
// way Grafana clones it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const DASHBOARD_DIR = join(import.meta.dirname, '..', '..', 'dashboards');

export interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
  instant?: boolean;
}

export interface Panel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Target[];
  repeat?: string;
  panels?: Panel[];
}

export interface Annotation {
  name: string;
  builtIn?: number;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  useValueForTime?: boolean;
  titleFormat?: string;
}

export interface Variable {
  type: string;
  name: string;
  query?: unknown;
  definition?: string;
  allValue?: string;
  includeAll?: boolean;
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations?: { list?: Annotation[] };
}

/** The Prometheus annotation queries of a dashboard (Grafana's built-in one has no expr). */
export function annotationQueries(d: Dashboard): Annotation[] {
  return (d.annotations?.list ?? []).filter((a) => a.builtIn !== 1);
}

export interface CommittedDashboard {
  file: string;
  text: string;
  dashboard: Dashboard;
}

export function committedDashboards(): CommittedDashboard[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(DASHBOARD_DIR, file), 'utf8');
      return { file, text, dashboard: JSON.parse(text) as Dashboard };
    });
}

/** Every panel that is not a row, nested ones included, with the dashboard it sits on. */
export function allPanels(): { dashboard: Dashboard; panel: Panel }[] {
  const out: { dashboard: Dashboard; panel: Panel }[] = [];
  for (const { dashboard } of committedDashboards()) {
    for (const panel of dashboard.panels) {
      if (panel.type === 'row') for (const nested of panel.panels ?? []) out.push({ dashboard, panel: nested });
      else out.push({ dashboard, panel });
    }
  }
  return out;
}

/** Values the variables take in the tests (the fixture model "shop" of test/support/model-fixture.ts). */
export interface VariableValues {
  model: string;
  features: readonly string[];
  methods: readonly string[];
  rateInterval: string;
  /** job, namespace, instance: All (".*", their allValue) unless given. */
  target?: { job: string; namespace: string; instance: string };
  /** The performance dashboard's metric (a single value); accuracy unless given. */
  metric?: string;
  /** The dashboard's time range, epoch milliseconds ($__from, $__to). */
  range?: { from: number; to: number };
}

export interface QueryCase {
  dashboard: string;
  panel: string;
  refId: string;
  /** Variable values this case used, e.g. "feature=price". */
  binding: string;
  expr: string;
}

/**
 * Grafana replaces a single value as is, and a multi-value or All selection with a regex
 * alternation `(a|b)`; a repeated panel gets one clone per value, each with that value alone.
 */
export function queryCases(values: VariableValues): QueryCase[] {
  const all = (list: readonly string[]): string => `(${list.join('|')})`;
  const target = values.target ?? { job: '.*', namespace: '.*', instance: '.*' };
  const range = values.range ?? { from: 0, to: Date.now() + 3_600_000 };
  const common: Record<string, string> = {
    ...target,
    model: values.model,
    feature: all(values.features),
    method: all(values.methods),
    metric: values.metric ?? 'accuracy',
    variant: '.*',
    segment: '.*',
    __rate_interval: values.rateInterval,
    __from: String(range.from),
    __to: String(range.to),
  };
  const cases: QueryCase[] = [];
  for (const { dashboard } of committedDashboards()) {
    for (const annotation of annotationQueries(dashboard)) {
      cases.push({ dashboard: dashboard.uid, panel: `annotation ${annotation.name}`, refId: 'annotation', binding: 'all', expr: substitute(annotation.expr ?? '', common) });
    }
  }
  for (const { dashboard, panel } of allPanels()) {
    const repeats: Record<string, readonly string[]> = { feature: values.features, method: values.methods, model: [values.model] };
    const bindings = panel.repeat ? repeats[panel.repeat].map((v) => ({ [panel.repeat as string]: v })) : [{}];
    for (const binding of bindings) {
      const vars: Record<string, string> = { ...common, ...binding };
      for (const target of panel.targets ?? []) {
        cases.push({
          dashboard: dashboard.uid,
          panel: panel.title ?? '(untitled)',
          refId: target.refId,
          binding: Object.entries(binding).map(([k, v]) => `${k}=${v}`).join(',') || 'all',
          expr: substitute(target.expr, vars),
        });
      }
    }
  }
  return cases;
}

export function substitute(expr: string, vars: Record<string, string>): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (match, name: string) => {
    // "$1" in label_replace is a capture reference, not a variable.
    if (/^\d+$/.test(name)) return match;
    const value = vars[name];
    if (value === undefined) throw new Error(`unknown variable $${name} in ${expr}`);
    return value;
  });
}
