// The shape of a Prometheus alerting rule and group, and the pieces every mlwatch alert shares.
import { runbookUrl } from './runbook-url.js';
import type { AlertName, AlertThresholds, BaseAlertSettings } from './thresholds.js';

export interface AlertRule {
  alert: AlertName;
  expr: string;
  for: string;
  labels: { severity: string; team: string };
  annotations: { summary: string; description: string; runbook_url: string };
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** What an alert says; the rest comes from its thresholds entry. */
export interface AlertText {
  expr: string;
  summary: string;
  description: string;
}

export function alertRule(t: AlertThresholds, name: AlertName, settings: BaseAlertSettings, text: AlertText): AlertRule {
  return {
    alert: name,
    expr: text.expr,
    for: settings.for,
    labels: { severity: settings.severity, team: settings.team },
    annotations: {
      summary: text.summary,
      description: text.description,
      runbook_url: runbookUrl(t.runbook_base_url, name),
    },
  };
}
