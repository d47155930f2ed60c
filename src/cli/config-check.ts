// `mlwatch config check --config FILE`: validates the config and every reference it names.
// Exit 0 when all is well, 1 with every problem listed by its path, 2 for a usage error.
import { parseArgs } from 'node:util';
import { processOutput, type CliOutput } from './output.js';
import { ConfigError, loadConfig } from '../config/loader.js';
import type { Config } from '../config/types.js';
import { ReferenceLoadError, loadReference } from '../reference/io.js';
import { checkReferenceMatchesModel } from '../reference/validate.js';
import { modelWarnings } from '../config/model-warnings.js';
import { cellBudget, cellBudgetProblem, byteSize } from '../monitor/cell-budget.js';

export const CONFIG_CHECK_USAGE = 'usage: mlwatch config check --config FILE';

export const CONFIG_CHECK_HELP = `${CONFIG_CHECK_USAGE}

Validates the config, then loads every reference it names and checks it against its model.
Lists every problem by its path in the file, e.g. models[0].features[3].range: must be
[min, max]. Warnings (advice about a config that works but may mislead, e.g. categories that
leave out training values) go to stderr and keep the exit status 0.

options:
  --config FILE   the mlwatch config (YAML); required
  -h, --help      this help

exit status: 0 when the config and its references are valid (warnings or not), 1 with every
problem listed, 2 for a usage error.
`;

export async function runConfigCheck(args: string[], output: CliOutput = processOutput): Promise<number> {
  let configPath: string | undefined;
  try {
    const { values } = parseArgs({ args, options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help === true) {
      output.stdout(CONFIG_CHECK_HELP);
      return 0;
    }
    configPath = values.config;
  } catch (error) {
    output.stderr(`mlwatch config check: ${error instanceof Error ? error.message : String(error)}\n${CONFIG_CHECK_USAGE}\n`);
    return 2;
  }
  if (configPath === undefined || configPath === '') {
    output.stderr(`mlwatch config check: --config is required\n${CONFIG_CHECK_USAGE}\n`);
    return 2;
  }

  let config: Config;
  try {
    config = await loadConfig(configPath);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.stderr(`${error.message}\n(references are checked once the config itself is valid)\n`);
    return 1;
  }

  const { problems, warnings, budgets } = await checkReferences(config);
  if (warnings.length > 0) output.stderr(`warnings in ${config.source_path}:\n${warnings.map((w) => `  - ${w}`).join('\n')}\n`);
  if (problems.length > 0) {
    output.stderr(`${new ConfigError(config.source_path, problems).message}\n`);
    return 1;
  }
  const features = config.models.reduce((sum, model) => sum + model.features.length, 0);
  const warned = warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'} above)` : '';
  output.stdout(`config OK: ${config.models.length} models, ${features} features; references OK${warned}\n`);
  for (const line of budgets) output.stdout(`  ${line}\n`);
  return 0;
}

/**
 * Every problem with every model's reference, as `models[i].reference: ...`, and the
 * warnings about each model whose reference matches it.
 */
async function checkReferences(config: Config): Promise<{ problems: string[]; warnings: string[]; budgets: string[] }> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const budgets: string[] = [];
  // One at a time: a reference can be large, and the order of the report follows the file.
  for (const [i, model] of config.models.entries()) {
    const at = `models[${i}].reference`;
    try {
      const reference = await loadReference(model.reference);
      const mismatches = checkReferenceMatchesModel(reference, model);
      for (const mismatch of mismatches) problems.push(`${at}: ${mismatch}`);
      if (mismatches.length > 0) continue;
      warnings.push(...modelWarnings(model, i, reference));
      const budget = cellBudget(model, reference, config.metrics.latency_buckets_seconds);
      const tooMany = cellBudgetProblem(model, budget);
      if (tooMany !== null) problems.push(`models[${i}]: ${tooMany}`);
      budgets.push(`${model.name}: ${budget.cells} cell${budget.cells === 1 ? '' : 's'} × ${byteSize(budget.bytesPerCell)} = ${byteSize(budget.cells * budget.bytesPerCell)} of state`);
    } catch (error) {
      // A reference is user input: whatever is wrong with it is reported, not thrown.
      const lines = error instanceof ReferenceLoadError ? error.problems : [error instanceof Error ? error.message : String(error)];
      for (const line of lines) problems.push(`${at}: ${line}`);
    }
  }
  return { problems, warnings, budgets };
}
