// `mlwatch config check`: exit codes, output, and the reference check through the real
// loadReference / checkReferenceMatchesModel with a reference written by writeReference.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigCheck } from '../../src/cli/config-check.js';
import type { CliOutput } from '../../src/cli/output.js';
import { writeReference } from '../../src/reference/io.js';
import { FINE_BINS, REFERENCE_FORMAT, type NumericSketch, type Reference } from '../../src/reference/types.js';

/** A numeric sketch of the four values 10, 20, 30, 40 (population std = sqrt(125)). */
function numericSketch(): NumericSketch {
  return {
    kind: 'numeric',
    summary: { count: 4, missing: 0, invalid: 0, mean: 25, std: Math.sqrt(125), min: 10, max: 40 },
    digest: [10, 20, 30, 40].map((mean) => ({ mean, n: 1 })),
    edges: [10, 25, 40],
    counts: [1, 1, 2, 0],
    fine_edges: [10, 25, 40],
    fine_counts: [1, 1, 2, 0],
  };
}

/**
 * The reference of the `credit` model below: 4 training rows, as a format_version 1 file (first
 * edge the minimum, no offsets, no noise levels: too few rows for meaningful ones), which still
 * loads, with a warning.
 */
function creditReference(): Omit<Reference, 'checksum'> {
  return {
    format: REFERENCE_FORMAT,
    format_version: 1,
    model: 'credit',
    created_at: '2026-11-19T12:00:00Z',
    source: 'train.csv',
    rows: 4,
    bins: 10,
    fine_bins: FINE_BINS,
    top_categories: 50,
    features: {
      income: numericSketch(),
      country: { kind: 'categorical', count: 4, missing: 0, invalid: 0, categories: [{ value: 'DE', count: 2 }, { value: 'FR', count: 1 }], other_count: 1 },
      has_mortgage: { kind: 'categorical', count: 4, missing: 0, invalid: 0, categories: [{ value: 'true', count: 3 }, { value: 'false', count: 1 }], other_count: 0 },
    },
    prediction: numericSketch(),
  };
}

const CREDIT_MODEL = `
  - name: credit
    task: binary_classification
    classes: [rejected, approved]
    version: "2.3.0"
    reference: refs/credit.json
    features:
      - { name: income, type: numeric }
      - { name: country, type: categorical }
      - { name: has_mortgage, type: boolean }
`;

class CapturedOutput implements CliOutput {
  out = '';
  err = '';
  stdout(text: string): void {
    this.out += text;
  }
  stderr(text: string): void {
    this.err += text;
  }
}

async function check(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = new CapturedOutput();
  const code = await runConfigCheck(args, output);
  return { code, out: output.out, err: output.err };
}

describe('mlwatch config check', () => {
  let folder: string;
  const configAt = (name: string): string => join(folder, name);

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'mlwatch-config-check-'));
    await writeReference(join(folder, 'refs', 'credit.json'), creditReference());
    await writeFile(configAt('good.yaml'), `models:${CREDIT_MODEL}`);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('exits 0 and says so when the config and its references are sound; a reference without noise levels is a warning', async () => {
    const { code, out, err } = await check(['--config', configAt('good.yaml')]);
    expect(code).toBe(0);
    // Then the state each model will hold: its cells and their size.
    expect(out).toMatch(/^config OK: 1 models, 3 features; references OK \(1 warning above\)\n  credit: 1 cell × (\d+(\.\d)? kB|\d+ B) = \1 of state\n$/);
    expect(err).toBe(
      `warnings in ${configAt('good.yaml')}:\n  - models[0].reference: the reference (format_version 1) has no noise levels: ` +
        'drift decisions use the thresholds alone, so small stationary windows are often declared drifted (Jensen-Shannon >= 0.1 in ~80% of 100-value windows), ' +
        'and mlwatch_feature_drift_noise is not exported. Rebuild it: mlwatch reference build --model credit ...\n',
    );
  });

  it('also takes --config=FILE', async () => {
    expect((await check([`--config=${configAt('good.yaml')}`])).code).toBe(0);
  });

  it('exits 1 listing every config problem by path, without a stack trace', async () => {
    const path = configAt('broken.yaml');
    await writeFile(path, `logging: { level: loud }\nmodels:${CREDIT_MODEL}    featurs: []\n`);
    const { code, out, err } = await check(['--config', path]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(
      `invalid config ${path}:\n` +
        '  - logging.level: must be one of: trace, debug, info, warn, error, fatal, silent (got "loud")\n' +
        '  - models[0].featurs: unknown key (expected one of: name, task, classes, version, deployed_at, reference, prediction, drift, reference_build, max_versions, segments, variants, max_cells, label_ttl_seconds, max_pending_labels, kserve, features); did you mean "features"?\n' +
        '(references are checked once the config itself is valid)\n',
    );
  });

  it('exits 1 listing every reference problem as models[i].reference', async () => {
    const path = configAt('references.yaml');
    const wrongFeature = CREDIT_MODEL.replace('name: credit', 'name: scoring').replace('name: has_mortgage', 'name: has_car');
    const missing = CREDIT_MODEL.replace('name: credit', 'name: absent').replace('refs/credit.json', 'refs/absent.json');
    await writeFile(path, `models:${CREDIT_MODEL}    reference_build: { bins: 20 }\n${wrongFeature}${missing}`);
    const { code, out, err } = await check(['--config', path]);
    expect(code).toBe(1);
    expect(out).toBe('');
    const lines = err.trimEnd().split('\n');
    expect(lines[0]).toBe(`invalid config ${path}:`);
    const problems = lines.slice(1);
    expect(problems.every((line) => /^ {2}- models\[[0-2]\]\.reference: \S/.test(line))).toBe(true);
    // Every problem of every model, in model order.
    const modelIndexes = problems.map((line) => Number(/models\[(\d+)\]/.exec(line)?.[1]));
    expect(modelIndexes).toStrictEqual([...modelIndexes].sort((a, b) => a - b));
    expect(problems.filter((line) => line.startsWith('  - models[0].reference: ') && /bins/.test(line))).toHaveLength(1);
    expect(problems.some((line) => line.startsWith('  - models[1].reference: ') && line.includes('"credit"') && line.includes('"scoring"'))).toBe(true);
    expect(problems.some((line) => line.startsWith('  - models[1].reference: ') && line.includes('"has_car"'))).toBe(true);
    expect(problems.some((line) => line.startsWith('  - models[1].reference: ') && line.includes('"has_mortgage"'))).toBe(true);
    expect(problems.filter((line) => line.startsWith('  - models[2].reference: '))).toStrictEqual([
      expect.stringContaining(`${join(folder, 'refs', 'absent.json')} does not exist`),
    ]);
  });

  it('exits 1 when a reference was edited after it was built', async () => {
    const edited = join(folder, 'refs', 'edited.json');
    const text = await readFile(join(folder, 'refs', 'credit.json'), 'utf8');
    await writeFile(edited, text.replace('"source": "train.csv"', '"source": "other.csv"'));
    const path = configAt('edited.yaml');
    await writeFile(path, `models:${CREDIT_MODEL.replace('refs/credit.json', 'refs/edited.json')}`);
    const { code, err } = await check(['--config', path]);
    expect(code).toBe(1);
    expect(err).toMatch(/^ {2}- models\[0\]\.reference: .*checksum/m);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('exits 1 when the config file does not exist', async () => {
    const path = configAt('nowhere.yaml');
    const { code, err } = await check(['--config', path]);
    expect(code).toBe(1);
    expect(err).toContain(`invalid config ${path}:\n  - (file): cannot be read: ENOENT`);
  });

  it.each([
    [[], '--config is required'],
    // The rest of these reasons is Node's wording, which varies between versions.
    [['--config'], "'--config"],
    [['--config', 'a.yaml', '--verbose'], "'--verbose'"],
    [['--config', 'a.yaml', 'extra'], "'extra'"],
  ])('exits 2 with the usage for %j', async (args, reason) => {
    const { code, out, err } = await check(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(reason);
    expect(err).toContain('usage: mlwatch config check --config FILE');
  });

  it('prints the usage for --help and exits 0', async () => {
    const help = await check(['--help']);
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toMatch(/^usage: mlwatch config check --config FILE\n\nValidates the config/);
  });
});
