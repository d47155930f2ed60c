// The dashboards mlwatch ships, by file name, and their canonical JSON text (what
// dashboards/*.json hold and what the regeneration test compares against).
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { dataQualityDashboard } from './data-quality.js';
import { driftDashboard } from './drift.js';
import { overviewDashboard } from './overview.js';
import { performanceDashboard } from './performance.js';

export interface GeneratedDashboard {
  file: string;
  dashboard: dashboard.Dashboard;
}

export function buildDashboards(): GeneratedDashboard[] {
  return [
    { file: 'mlwatch-overview.json', dashboard: numberPanels(overviewDashboard().build()) },
    { file: 'mlwatch-data-quality.json', dashboard: numberPanels(dataQualityDashboard().build()) },
    { file: 'mlwatch-drift.json', dashboard: numberPanels(driftDashboard().build()) },
    { file: 'mlwatch-performance.json', dashboard: numberPanels(performanceDashboard().build()) },
  ];
}

/** Panel ids in layout order (rows' nested panels included), so links to a panel stay stable. */
function numberPanels(d: dashboard.Dashboard): dashboard.Dashboard {
  let id = 0;
  for (const panel of d.panels ?? []) {
    panel.id = ++id;
    if (panel.type === 'row') for (const nested of (panel as dashboard.RowPanel).panels ?? []) nested.id = ++id;
  }
  return d;
}

export function renderDashboard(d: dashboard.Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
