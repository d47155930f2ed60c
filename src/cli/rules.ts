// `mlwatch rules generate --thresholds FILE --out FILE [--format rules|prometheus-rule]
// [--release NAME] [--namespace NS]`: renders the alert rules from the thresholds file, as a
// Prometheus rule file or as a Prometheus Operator PrometheusRule object. Exit 0 when written, 1 when the thresholds are invalid or the file cannot
// be written, 2 for a usage error.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { processOutput, type CliOutput } from './output.js';
import { renderAlertRules } from '../rules/alerts.js';
import { alertsPrometheusRuleYaml } from '../kubernetes/rule-objects.js';
import { parseRuleFormat, ruleFormatCommand, RULE_FORMAT_OPTIONS, RULE_FORMAT_USAGE, type RuleFormat } from './rule-format.js';
import { ThresholdsError, loadThresholds, type AlertThresholds } from '../rules/thresholds.js';

export const RULES_GENERATE_USAGE = `usage: mlwatch rules generate --thresholds FILE --out FILE ${RULE_FORMAT_USAGE}`;

export const RULES_GENERATE_HELP = `${RULES_GENERATE_USAGE}

Writes the Prometheus alerting rules from a thresholds file, the one place every alert's
threshold, window, guard, for:, severity and team is set. The shipped one:
  mlwatch rules generate --thresholds alert-rules/thresholds.yaml --out alert-rules/mlwatch-alerts.rules.yml

options:
  --thresholds FILE   the thresholds file (YAML); required
  --out FILE          where to write the rules; required
${RULE_FORMAT_OPTIONS}
  -h, --help          this help

exit status: 0 when written, 1 when the thresholds are invalid (every problem listed) or the
file cannot be written, 2 for a usage error.
`;

export function runRulesGenerate(args: string[], output: CliOutput = processOutput): number {
  let thresholdsPath: string | undefined;
  let outPath: string | undefined;
  let format: RuleFormat;
  try {
    const { values } = parseArgs({
      args,
      options: {
        thresholds: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        release: { type: 'string' },
        namespace: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      output.stdout(RULES_GENERATE_HELP);
      return 0;
    }
    thresholdsPath = values.thresholds;
    outPath = values.out;
    format = parseRuleFormat(values);
  } catch (error) {
    output.stderr(`mlwatch rules generate: ${error instanceof Error ? error.message : String(error)}\n${RULES_GENERATE_USAGE}\n`);
    return 2;
  }
  for (const [flag, value] of [['--thresholds', thresholdsPath], ['--out', outPath]] as const) {
    if (value === undefined || value === '') {
      output.stderr(`mlwatch rules generate: ${flag} is required\n${RULES_GENERATE_USAGE}\n`);
      return 2;
    }
  }

  let thresholds: AlertThresholds;
  try {
    thresholds = loadThresholds(thresholdsPath as string);
  } catch (error) {
    if (!(error instanceof ThresholdsError)) throw error;
    output.stderr(`${error.message}\n`);
    return 1;
  }
  const text = format.kind === 'rules'
    ? renderAlertRules(thresholds)
    : alertsPrometheusRuleYaml(thresholds, format.options, `mlwatch rules generate --thresholds ${thresholdsPath} --out ${outPath}${ruleFormatCommand(format)}`);
  try {
    writeFileSync(outPath as string, text);
  } catch (error) {
    output.stderr(`mlwatch rules generate: cannot write ${outPath}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const alerts = (text.match(/^ *- alert: /gm) ?? []).length;
  output.stdout(`wrote ${alerts} alert rules to ${outPath}${format.kind === 'rules' ? '' : ' as a PrometheusRule'}\n`);
  return 0;
}
