// `mlwatch reference build --config FILE [--model NAME] --data FILE [--out FILE]`: builds a
// model's reference sketch from its training data, by default into the model's `reference:`
// path. Exit 0 with a one-line summary on stdout; 1 when the config or the data is wrong (a
// readable message, no stack trace); 2 for a usage error. Warnings and progress go to stderr.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/loader.js';
import type { ModelConfig } from '../config/types.js';
import { buildReferenceWithReport } from '../reference/build.js';
import { ReferenceBuildError } from '../reference/errors.js';
import { writeReference } from '../reference/io.js';
import { createProgressReporter, type ProgressOutput } from '../reference/progress.js';
import type { FeatureSketch } from '../reference/types.js';

export const REFERENCE_BUILD_USAGE = 'usage: mlwatch reference build --config FILE [--model NAME] --data FILE [--out FILE]';

export const REFERENCE_BUILD_HELP = `${REFERENCE_BUILD_USAGE}

Builds a model's reference sketch from its training or validation data, CSV or JSON Lines
(.csv, .jsonl, .ndjson), in two streaming passes. The columns are the model's feature names
and its reference_build.prediction_column; cells in reference_build.na_values count as
missing. A progress bar on a TTY, plain lines otherwise.

options:
  --config FILE   the mlwatch config (YAML); required
  --model NAME    the model to build for; may be left out when the config has one model
  --data FILE     the training data; required
  --out FILE      where to write the reference (default: the model's reference: path in the
                  config, which serve and config check read)
  -h, --help      this help

exit status: 0 when written, 1 when the config or the data is wrong, 2 for a usage error.
`;

/** Malformed rows reported one by one; the rest are only counted. */
const MALFORMED_ROWS_SHOWN = 10;

export interface ReferenceBuildOutput {
  stdout(text: string): void;
  /** Progress goes here too; a TTY gets a redrawn bar. */
  stderr: ProgressOutput;
}

const processOutput: ReferenceBuildOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: process.stderr,
};

interface BuildArguments {
  config: string;
  model?: string;
  data: string;
  out?: string;
}

export async function runReferenceBuild(args: string[], output: ReferenceBuildOutput = processOutput): Promise<number> {
  const parsed = parseArguments(args);
  if (parsed === 'help') {
    output.stdout(REFERENCE_BUILD_HELP);
    return 0;
  }
  if (typeof parsed === 'string') {
    output.stderr.write(`mlwatch reference build: ${parsed}\n${REFERENCE_BUILD_USAGE}\n`);
    return 2;
  }

  let model: ModelConfig;
  try {
    const config = await loadConfig(parsed.config);
    const found = chooseModel(config.models, parsed.model);
    if ('problem' in found) {
      output.stderr.write(`mlwatch reference build: config ${config.source_path} ${found.problem}\n`);
      return found.code;
    }
    model = found;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.stderr.write(`mlwatch reference build: invalid config ${error.file}:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  // The default is the path serve and config check read: a rebuilt reference is used at once.
  const out = parsed.out ?? model.reference;
  if (resolve(out) === resolve(parsed.data)) {
    output.stderr.write(
      `mlwatch reference build: ${parsed.out === undefined ? `the model's reference: path (${out})` : '--out'} is the data file; the reference would overwrite the training data\n`,
    );
    return 2;
  }

  const progress = createProgressReporter(output.stderr);
  let shown = 0;
  try {
    const { reference, skippedRows } = await buildReferenceWithReport({
      model,
      dataPath: parsed.data,
      onProgress: (p) => progress.update(p),
      onNoiseProgress: (done, total) => progress.noise(done, total),
      onMalformedRow: (line, problem) => {
        if (shown++ >= MALFORMED_ROWS_SHOWN) return;
        progress.finish();
        output.stderr.write(`warning: ${parsed.data} line ${line}: ${problem}; row skipped\n`);
      },
    });
    progress.finish();
    for (const warning of invalidValueWarnings(reference.features, reference.prediction, model)) output.stderr.write(`warning: ${warning}\n`);
    const written = await writeReference(out, reference);
    const skipped = skippedRows > 0 ? `, ${skippedRows} malformed rows skipped` : '';
    output.stdout(
      `reference for model "${model.name}" written to ${out}: ${reference.rows} rows, ${model.features.length} features${skipped} (checksum ${written.checksum.slice(0, 12)})\n`,
    );
    return 0;
  } catch (error) {
    progress.finish();
    if (error instanceof ReferenceBuildError) {
      output.stderr.write(`mlwatch reference build: ${error.message}\n`);
      return 1;
    }
    if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
      // Writing the output failed (permissions, disk full): the user's environment, not a bug.
      output.stderr.write(`mlwatch reference build: cannot write ${out}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function parseArguments(args: string[]): BuildArguments | 'help' | string {
  let values: { config?: string; model?: string; data?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        model: { type: 'string' },
        data: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (values.help === true) return 'help';
  const missing = (['config', 'data'] as const).filter((key) => !values[key]);
  if (missing.length > 0) return `missing ${missing.map((key) => `--${key}`).join(', ')}`;
  for (const key of ['model', 'out'] as const) if (values[key] === '') return `--${key} is empty`;
  return { config: values.config ?? '', model: values.model, data: values.data ?? '', out: values.out };
}

/** The named model, or the only one; else what is wrong, with the exit status (no --model among several is a usage error). */
function chooseModel(models: ModelConfig[], name: string | undefined): ModelConfig | { problem: string; code: number } {
  const names = models.map((m) => `"${m.name}"`).join(', ');
  if (name === undefined) {
    return models.length === 1 ? models[0] : { problem: `has ${models.length} models (${names}); say which with --model NAME`, code: 2 };
  }
  return models.find((m) => m.name === name) ?? { problem: `has no model "${name}" (its models: ${names})`, code: 1 };
}

/** One warning per column with invalid values: they were left out of the reference. */
function invalidValueWarnings(features: Record<string, FeatureSketch>, prediction: FeatureSketch, model: ModelConfig): string[] {
  const columns: [string, FeatureSketch][] = [
    ...Object.entries(features).map(([name, sketch]): [string, FeatureSketch] => [`feature "${name}"`, sketch]),
    [`prediction column "${model.reference_build.prediction_column}"`, prediction],
  ];
  return columns
    .map(([label, sketch]) => [label, sketch.kind === 'numeric' ? sketch.summary.invalid : sketch.invalid] as const)
    .filter(([, invalid]) => invalid > 0)
    .map(([label, invalid]) => `${label}: ${invalid} values of the wrong type or not finite, left out of the reference`);
}
