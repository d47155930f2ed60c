// `mlwatch rules fleet-drift [--window DURATION] [--interval DURATION] --out FILE`: writes the
// recording rules that recompute PSI and JS across every replica (docs/fleet-drift.md).
// Exit 0 when written, 1 when the file cannot be written, 2 for a usage error.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { processOutput, type CliOutput } from './output.js';
import { SHIPPED_FLEET_DRIFT_WINDOW, renderFleetDriftRules } from '../rules/fleet-drift.js';
import { fleetDriftPrometheusRuleYaml } from '../kubernetes/rule-objects.js';
import { parseRuleFormat, ruleFormatCommand, RULE_FORMAT_OPTIONS, RULE_FORMAT_USAGE, type RuleFormat } from './rule-format.js';

export const RULES_FLEET_DRIFT_USAGE =
  `usage: mlwatch rules fleet-drift [--window DURATION (default ${SHIPPED_FLEET_DRIFT_WINDOW}: match the models' drift window)] [--interval DURATION] --out FILE ${RULE_FORMAT_USAGE}`;

export const RULES_FLEET_DRIFT_HELP = `${RULES_FLEET_DRIFT_USAGE}

Writes the recording rules that recompute PSI and Jensen-Shannon drift per feature across
every replica, from the exported histograms and reference bin shares (docs/fleet-drift.md).

options:
  --window DURATION     the range of the rates, e.g. 10m (default ${SHIPPED_FLEET_DRIFT_WINDOW}); match the models' drift window
  --interval DURATION   the rule group's evaluation interval (default: Prometheus's global one)
  --out FILE            where to write the rules; required
${RULE_FORMAT_OPTIONS}
  -h, --help            this help

exit status: 0 when written, 1 when the file cannot be written, 2 for a usage error.
`;

export function runRulesFleetDrift(args: string[], output: CliOutput = processOutput): number {
  let values: { window?: string; interval?: string; out?: string; format?: string; release?: string; namespace?: string; help?: boolean };
  let format: RuleFormat;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        window: { type: 'string' },
        interval: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        release: { type: 'string' },
        namespace: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    format = parseRuleFormat(values);
  } catch (error) {
    output.stderr(`mlwatch rules fleet-drift: ${error instanceof Error ? error.message : String(error)}\n${RULES_FLEET_DRIFT_USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    output.stdout(RULES_FLEET_DRIFT_HELP);
    return 0;
  }
  if (values.out === undefined || values.out === '') {
    output.stderr(`mlwatch rules fleet-drift: --out is required\n${RULES_FLEET_DRIFT_USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    const fleet = { window: values.window ?? SHIPPED_FLEET_DRIFT_WINDOW, evaluationInterval: values.interval };
    const interval = values.interval === undefined ? '' : ` --interval ${values.interval}`;
    text = format.kind === 'rules'
      ? renderFleetDriftRules(fleet)
      : fleetDriftPrometheusRuleYaml(fleet, format.options, `mlwatch rules fleet-drift --window ${fleet.window}${interval} --out ${values.out}${ruleFormatCommand(format)}`);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    output.stderr(`mlwatch rules fleet-drift: ${error.message}\n${RULES_FLEET_DRIFT_USAGE}\n`);
    return 2;
  }
  try {
    writeFileSync(values.out, text);
  } catch (error) {
    output.stderr(`mlwatch rules fleet-drift: cannot write ${values.out}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const rules = (text.match(/^ *- record: /gm) ?? []).length;
  output.stdout(`wrote ${rules} recording rules to ${values.out}\n`);
  return 0;
}
