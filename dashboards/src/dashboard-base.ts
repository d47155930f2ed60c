// What every mlwatch dashboard shares: stable uid, tags, time range, refresh, the
// datasource and model variables, and a link to the other mlwatch dashboards.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { datasourceVariable, modelVariable } from './variables.js';

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
    .withVariable(datasourceVariable())
    .withVariable(modelVariable());
}
