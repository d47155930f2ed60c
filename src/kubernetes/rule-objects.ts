// The shipped rule files as PrometheusRule objects, from the same source as the rule files:
// the alert groups from the thresholds, the fleet recording rules from their renderer (read
// back from its YAML, so the object holds exactly what the rule file holds).
import { load } from 'js-yaml';
import { alertRuleGroups, type AlertThresholds } from '../rules/alerts.js';
import { renderFleetDriftRules, type FleetDriftOptions } from '../rules/fleet-drift.js';
import { prometheusRule, type PrometheusRuleOptions, type RuleGroupLike } from './prometheus-rule.js';
import { manifestYaml } from './yaml.js';

export const ALERTS_RULE_NAME = 'mlwatch-alerts';
export const FLEET_DRIFT_RULE_NAME = 'mlwatch-fleet-drift';

export function alertsPrometheusRuleYaml(t: AlertThresholds, options: Omit<PrometheusRuleOptions, 'name'> & { name?: string }, command: string): string {
  const rule = prometheusRule(alertRuleGroups(t), { ...options, name: options.name ?? ALERTS_RULE_NAME });
  return manifestYaml(header('the alert rules', 'alert-rules/thresholds.yaml', command), [rule]);
}

export function fleetDriftRuleGroups(fleet: FleetDriftOptions): RuleGroupLike[] {
  return (load(renderFleetDriftRules(fleet)) as { groups: RuleGroupLike[] }).groups;
}

export function fleetDriftPrometheusRuleYaml(fleet: FleetDriftOptions, options: Omit<PrometheusRuleOptions, 'name'> & { name?: string }, command: string): string {
  const rule = prometheusRule(fleetDriftRuleGroups(fleet), { ...options, name: options.name ?? FLEET_DRIFT_RULE_NAME });
  return manifestYaml(header('the fleet-wide drift recording rules', 'src/rules/fleet-drift.ts', command), [rule]);
}

function header(what: string, source: string, command: string): string[] {
  return [
    `Generated from ${source}: ${what} as a Prometheus Operator PrometheusRule; do not edit.`,
    'Regenerate with:',
    `  ${command}`,
    'kube-prometheus-stack loads it when its `release` label is the Helm release name (--release).',
  ];
}
