// Annotations every mlwatch dashboard overlays on its time series: when a model version was
// deployed (deployed_at, exported as mlwatch_model_deploy_timestamp_seconds), when the
// reference in use was built (mlwatch_reference_created_timestamp_seconds), when a reference
// (or a model's config) took effect — the start or a reload that changed it
// (mlwatch_reference_loaded_timestamp_seconds, with its checksum from mlwatch_reference_info) — and when an
// mlwatch alert fired. The timestamps are drawn at their value ("series value as
// timestamp": milliseconds, kept to the dashboard's range), deduplicated across replicas.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE } from './panels.js';
import { MODEL, alerts, selector } from './promql.js';

/** A timestamp gauge (Unix seconds) as annotation times within the dashboard's range. */
function atValue(expr: string): string {
  return `${expr} * 1000 > $__from < $__to`;
}

export const ANNOTATION_EXPRS = {
  deploys: atValue(
    `max by (model, version) (\n  ${selector('modelDeployTimestamp', [MODEL])}\n  * on (job, instance, model) group_left (version)\n  ${selector('modelInfo', [MODEL])}\n)`,
  ),
  references: atValue(`max by (model) (${selector('referenceCreated', [MODEL])})`),
  referenceChanges: atValue(
    `max by (model, checksum) (\n  ${selector('referenceLoaded', [MODEL])}\n  * on (job, instance, model) group_left (checksum)\n  ${selector('referenceInfo', [MODEL])}\n)`,
  ),
  alerts: `max by (alertname, severity, team, model, feature, instance) (${alerts(['alertstate="firing"'])})`,
};

function prometheusAnnotation(name: string, color: string, expr: string): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder().name(name).datasource(DATASOURCE).enable(true).hide(false).iconColor(color).expr(expr);
}

export function mlwatchAnnotations(): dashboard.AnnotationQueryBuilder[] {
  // Grafana adds its own built-in "Annotations & Alerts" query to a dashboard that lacks it.
  return [
    prometheusAnnotation('Model deployed', 'blue', ANNOTATION_EXPRS.deploys)
      .useValueForTime(true)
      .titleFormat('{{model}} {{version}} deployed')
      .textFormat('deployed_at of the expected version (mlwatch_model_deploy_timestamp_seconds)')
      .tagKeys('model,version'),
    prometheusAnnotation('Reference built', 'purple', ANNOTATION_EXPRS.references)
      .useValueForTime(true)
      .titleFormat('{{model}}: reference built')
      .textFormat('build time of the reference mlwatch loaded (mlwatch_reference_created_timestamp_seconds); drift is measured against it from when it was loaded')
      .tagKeys('model'),
    prometheusAnnotation('Reference changed', 'orange', ANNOTATION_EXPRS.referenceChanges)
      .useValueForTime(true)
      .titleFormat('{{model}}: reference {{checksum}} in effect')
      .textFormat('the reference (or the model\'s config) took effect at start or at a reload (mlwatch_reference_loaded_timestamp_seconds); the drift window started fresh then')
      .tagKeys('model,checksum'),
    prometheusAnnotation('mlwatch alerts firing', 'red', ANNOTATION_EXPRS.alerts)
      .titleFormat('{{alertname}}')
      .textFormat('{{severity}} ({{team}}): model {{model}} {{feature}} on {{instance}}')
      .tagKeys('severity,team,model'),
  ];
}
