// Panel factories over the Foundation SDK builders. Every panel gets what the lint rules
// ask for in one place: a title, a description, a unit, the $datasource variable on the
// panel and on each target, and at least one query.
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

export interface Query {
  expr: string;
  legend?: string;
  /** Instant queries answer "now" (tables, stats, bar charts of the latest value). */
  instant?: boolean;
  table?: boolean;
}

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: readonly Query[];
  width?: number;
  height?: number;
  /** Repeat the panel once per value of this variable. */
  repeat?: string;
  min?: number;
  max?: number;
  /** Threshold steps after the green base, e.g. [{ value: 0.2, color: 'red' }]. */
  thresholds?: readonly { value: number; color: string }[];
}

/** Builders of every panel type share these setters; the SDK types them per panel type. */
interface CommonPanelBuilder<T> {
  title(title: string): T;
  description(description: string): T;
  unit(unit: string): T;
  datasource(datasource: common.DataSourceRef): T;
  withTarget(target: prometheus.DataqueryBuilder): T;
  span(w: number): T;
  height(h: number): T;
  repeat(repeat: string): T;
  min(min: number): T;
  max(max: number): T;
  thresholds(thresholds: dashboard.ThresholdsConfigBuilder): T;
}

function target(query: Query, index: number): prometheus.DataqueryBuilder {
  const builder = new prometheus.DataqueryBuilder()
    .refId(String.fromCharCode(65 + index))
    .datasource(DATASOURCE)
    .expr(query.expr)
    .legendFormat(query.legend ?? '__auto');
  if (query.instant) builder.instant();
  else builder.range();
  if (query.table) builder.format(prometheus.PromQueryFormat.Table);
  return builder;
}

function apply<T extends CommonPanelBuilder<T>>(builder: T, spec: PanelSpec): T {
  if (spec.queries.length === 0) throw new Error(`panel "${spec.title}" has no query`);
  builder
    .title(spec.title)
    .description(spec.description)
    .unit(spec.unit)
    .datasource(DATASOURCE)
    .span(spec.width ?? 12)
    .height(spec.height ?? 8);
  spec.queries.forEach((query, i) => builder.withTarget(target(query, i)));
  if (spec.repeat) builder.repeat(spec.repeat);
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  if (spec.thresholds) {
    builder.thresholds(
      new dashboard.ThresholdsConfigBuilder()
        .mode(dashboard.ThresholdsMode.Absolute)
        .steps([{ value: null, color: 'green' }, ...spec.thresholds]),
    );
  }
  return builder;
}

function legend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.Table)
    .placement(common.LegendPlacement.Bottom)
    .calcs(['lastNotNull', 'max']);
}

export function timeSeries(spec: PanelSpec): timeseries.PanelBuilder {
  return apply(new timeseries.PanelBuilder(), spec)
    .legend(legend())
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
}

export function statPanel(spec: PanelSpec): stat.PanelBuilder {
  return apply(new stat.PanelBuilder(), spec)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value);
}

export function tablePanel(spec: PanelSpec, transformations: dashboard.DataTransformerConfig[] = []): table.PanelBuilder {
  return apply(new table.PanelBuilder(), spec).transformations(transformations);
}

export function barGauge(spec: PanelSpec): bargauge.PanelBuilder {
  return apply(new bargauge.PanelBuilder(), spec)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal);
}

export function barChart(spec: PanelSpec, xField: string, transformations: dashboard.DataTransformerConfig[]): barchart.PanelBuilder {
  return apply(new barchart.PanelBuilder(), spec)
    .xField(xField)
    .transformations(transformations)
    .xTickLabelRotation(-45)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom));
}

/** Hides label columns and names the value columns of instant table queries. */
export function organize(exclude: readonly string[], rename: Record<string, string>): dashboard.DataTransformerConfig {
  return {
    id: 'organize',
    options: { excludeByName: Object.fromEntries(exclude.map((name) => [name, true])), renameByName: rename },
  };
}

export const MERGE: dashboard.DataTransformerConfig = { id: 'merge', options: {} };

/** A reference line (threshold, min_samples): dashed, red, drawn over the data. */
export function referenceLine(): dashboard.DynamicConfigValue[] {
  return [
    { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
  ];
}
