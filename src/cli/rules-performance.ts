// `mlwatch rules performance [--window DURATION] --out FILE`: writes the recording rules for
// realised performance over a range, across every replica. Exit 0 when written, 1 when the
// file cannot be written, 2 for a usage error.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { processOutput, type CliOutput } from './output.js';
import { SHIPPED_PERFORMANCE_WINDOW, renderPerformanceRules } from '../rules/performance-rules.js';

export const RULES_PERFORMANCE_USAGE = `usage: mlwatch rules performance [--window DURATION (default ${SHIPPED_PERFORMANCE_WINDOW})] --out FILE`;

export const RULES_PERFORMANCE_HELP = `${RULES_PERFORMANCE_USAGE}

Writes the recording rules for realised performance from the joined labels of every replica:
accuracy, MAE, RMSE, R², ROC AUC and label coverage over the window.

options:
  --window DURATION     the range of the increases, e.g. 1h (default ${SHIPPED_PERFORMANCE_WINDOW})
  --out FILE            where to write the rules; required
  -h, --help            this help

exit status: 0 when written, 1 when the file cannot be written, 2 for a usage error.
`;

export function runRulesPerformance(args: string[], output: CliOutput = processOutput): number {
  let values: { window?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { window: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    output.stderr(`mlwatch rules performance: ${error instanceof Error ? error.message : String(error)}\n${RULES_PERFORMANCE_USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    output.stdout(RULES_PERFORMANCE_HELP);
    return 0;
  }
  if (values.out === undefined || values.out === '') {
    output.stderr(`mlwatch rules performance: --out is required\n${RULES_PERFORMANCE_USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = renderPerformanceRules({ window: values.window ?? SHIPPED_PERFORMANCE_WINDOW });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    output.stderr(`mlwatch rules performance: ${error.message}\n${RULES_PERFORMANCE_USAGE}\n`);
    return 2;
  }
  try {
    writeFileSync(values.out, text);
  } catch (error) {
    output.stderr(`mlwatch rules performance: cannot write ${values.out}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const rules = (text.match(/^ *- record: /gm) ?? []).length;
  output.stdout(`wrote ${rules} recording rules to ${values.out}\n`);
  return 0;
}
