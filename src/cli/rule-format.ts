// The output format options shared by `rules generate` and `rules fleet-drift`: a Prometheus
// rule file (the default), or a Prometheus Operator PrometheusRule with a `release` label.
import { DEFAULT_RELEASE, type PrometheusRuleOptions } from '../kubernetes/prometheus-rule.js';

export const RULE_FORMAT_USAGE = `[--format rules|prometheus-rule] [--release NAME (default ${DEFAULT_RELEASE})] [--namespace NS]`;

/** The --help lines of the format options. */
export const RULE_FORMAT_OPTIONS = `  --format FORMAT     rules (a Prometheus rule file, the default) or prometheus-rule (a Prometheus Operator PrometheusRule)
  --release NAME      prometheus-rule: the release label kube-prometheus-stack selects rules by (default ${DEFAULT_RELEASE})
  --namespace NS      prometheus-rule: the object's namespace (default: none, kubectl's)`;

export type RuleFormat = { kind: 'rules' } | { kind: 'prometheus-rule'; options: Omit<PrometheusRuleOptions, 'name'> };

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Throws an Error with a usage message for a bad combination. */
export function parseRuleFormat(values: { format?: string; release?: string; namespace?: string }): RuleFormat {
  const format = values.format ?? 'rules';
  if (format === 'rules') {
    if (values.release !== undefined || values.namespace !== undefined) throw new Error('--release and --namespace need --format prometheus-rule');
    return { kind: 'rules' };
  }
  if (format !== 'prometheus-rule') throw new Error(`--format must be rules or prometheus-rule, got ${JSON.stringify(format)}`);
  const release = values.release ?? DEFAULT_RELEASE;
  if (release.length > 63 || !LABEL_VALUE.test(release) || release === '') {
    throw new Error('--release must be a Kubernetes label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
  }
  if (values.namespace !== undefined && !NAMESPACE.test(values.namespace)) throw new Error('--namespace must be a Kubernetes namespace name (lower-case letters, digits and "-")');
  return { kind: 'prometheus-rule', options: { release, ...(values.namespace === undefined ? {} : { namespace: values.namespace }) } };
}

/** The format flags as a command line shows them, for the regenerate hint. */
export function ruleFormatCommand(format: RuleFormat): string {
  if (format.kind === 'rules') return '';
  const ns = format.options.namespace === undefined ? '' : ` --namespace ${format.options.namespace}`;
  return ` --format prometheus-rule --release ${format.options.release}${ns}`;
}
