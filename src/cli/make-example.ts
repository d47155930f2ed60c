// Regenerates the example's training data, examples/credit/train.csv, byte for byte:
// `node dist/cli/make-example.js [--out FILE] [--seed N] [--rows N]`. The committed file
// must equal what this writes with the defaults (a test checks it).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { TRAINING_ROWS, TRAINING_SEED, trainingCsv } from '../demo/training-data.js';

export const MAKE_EXAMPLE_USAGE = 'usage: make-example [--out FILE] [--seed N] [--rows N]';

/** examples/credit/train.csv of this checkout (src/cli/ and dist/cli/ are both two levels down). */
export const DEFAULT_TRAINING_CSV = fileURLToPath(new URL('../../examples/credit/train.csv', import.meta.url));

export async function runMakeExample(args: string[]): Promise<number> {
  let out: string;
  let seed: number;
  let rows: number;
  try {
    const { values } = parseArgs({
      args,
      options: { out: { type: 'string' }, seed: { type: 'string' }, rows: { type: 'string' } },
      strict: true,
    });
    out = values.out ?? DEFAULT_TRAINING_CSV;
    seed = wholeNumber('--seed', values.seed, TRAINING_SEED, 0);
    rows = wholeNumber('--rows', values.rows, TRAINING_ROWS, 1);
  } catch (error) {
    process.stderr.write(`make-example: ${error instanceof Error ? error.message : String(error)}\n${MAKE_EXAMPLE_USAGE}\n`);
    return 2;
  }
  const csv = trainingCsv(seed, rows);
  await writeFile(out, csv, 'utf8');
  process.stdout.write(`wrote ${rows} rows (seed ${seed}, ${csv.length} bytes) to ${out}\n`);
  return 0;
}

function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`${flag} must be a whole number of at least ${min}, not "${text}"`);
  }
  return value;
}

// Run as a script (node dist/cli/make-example.js), not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMakeExample(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`make-example: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
