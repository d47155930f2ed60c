// Rule groups (the alert rules, the fleet recording rules) wrapped as Prometheus Operator
// PrometheusRule objects. kube-prometheus-stack's Prometheus selects PrometheusRules by the
// `release` label of its Helm release and ignores objects without it, so the label is set.
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { mlwatchLabels } from './labels.js';

export interface RuleGroupLike {
  name: string;
  interval?: string;
  rules: readonly object[];
}

export interface PrometheusRuleOptions {
  /** metadata.name. */
  name: string;
  /** The `release` label a Prometheus Operator install selects rules by (kube-prometheus-stack: its Helm release name). */
  release: string;
  namespace?: string;
}

/** The default `release` label: the name kube-prometheus-stack's own install docs give the Helm release. */
export const DEFAULT_RELEASE = 'kube-prometheus-stack';

export function prometheusRule(groups: readonly RuleGroupLike[], options: PrometheusRuleOptions): IPrometheusRule {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: options.name,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      labels: { ...mlwatchLabels('rules'), release: options.release },
    },
    // Deep copies: the YAML writer must not share objects between documents.
    spec: { groups: groups.map((g) => structuredClone(g)) as IPrometheusRule['spec']['groups'] },
  };
}
