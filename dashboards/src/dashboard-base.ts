// What every mlwatch dashboard shares: stable uid, tags, time range, refresh, the
// datasource, target (job, namespace, instance) and model variables, the deploy, reference
// and alert annotations, and a link to the other mlwatch dashboards.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { mlwatchAnnotations } from './annotations.js';
import { datasourceVariable, instanceVariable, jobVariable, modelVariable, namespaceVariable } from './variables.js';

export function base(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['mlwatch'])
    .editable()
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(
      new dashboard.DashboardLinkBuilder('mlwatch dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['mlwatch'])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    )
    .annotations(mlwatchAnnotations())
    .withVariable(datasourceVariable())
    .withVariable(jobVariable())
    .withVariable(namespaceVariable())
    .withVariable(instanceVariable())
    .withVariable(modelVariable());
}
