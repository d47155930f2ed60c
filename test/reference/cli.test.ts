import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReferenceBuild, type ReferenceBuildOutput } from '../../src/cli/reference-build.js';
import { loadConfig } from '../../src/config/loader.js';
import { loadReference } from '../../src/reference/io.js';
import { checkReferenceMatchesModel } from '../../src/reference/validate.js';
import { withTempDir } from './helpers.js';

const CONFIG = `
models:
  - name: credit
    task: binary_classification
    classes: ["no", "yes"]
    version: "1.0.0"
    reference: ./credit-reference.json
    reference_build:
      bins: 5
      top_categories: 3
      prediction_column: score
    features:
      - { name: amount, type: numeric }
      - { name: city, type: categorical }
      - { name: member, type: boolean }
`;

const DATA = ['amount,city,member,score', '10,Paris,true,0.1', '20,"Lyon, FR",false,0.2', '30,Paris,true,0.3', 'oops,Nice,maybe,0.4', '50,Paris', '60,Nice,true,0.9', ''].join('\n');

interface Captured extends ReferenceBuildOutput {
  out: string;
  err: string;
}

function capture(): Captured {
  const captured: Captured = {
    out: '',
    err: '',
    stdout: (text) => {
      captured.out += text;
    },
    stderr: {
      isTTY: false,
      write: (text: string) => {
        captured.err += text;
        return true;
      },
    },
  };
  return captured;
}

async function run(dir: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = capture();
  const code = await runReferenceBuild(args, output);
  return { code, out: output.out, err: output.err };
}

async function setUp(dir: string, config = CONFIG, data = DATA): Promise<{ config: string; data: string; out: string }> {
  const paths = { config: join(dir, 'mlwatch.yaml'), data: join(dir, 'train.csv'), out: join(dir, 'credit-reference.json') };
  await writeFile(paths.config, config);
  await writeFile(paths.data, data);
  return paths;
}

const argsFor = (p: { config: string; data: string; out: string }, model = 'credit'): string[] => [
  '--config',
  p.config,
  '--model',
  model,
  '--data',
  p.data,
  '--out',
  p.out,
];

describe('mlwatch reference build', () => {
  it('exit 0: writes a reference that loads and matches the model, with a one-line summary', async () => {
    await withTempDir(async (dir) => {
      const paths = await setUp(dir);
      const result = await run(dir, argsFor(paths));
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/^reference for model "credit" written to .*credit-reference\.json: 5 rows, 3 features, 1 malformed rows skipped \(checksum [0-9a-f]{12}\)\n$/);
      expect(result.err).toContain('warning: ');
      expect(result.err).toMatch(/line 6: expected 4 fields \(as in the header\), found 2; row skipped/);
      expect(result.err).toMatch(/feature "amount": 1 values of the wrong type or not finite, left out of the reference/);
      expect(result.err).toMatch(/reference build: pass 2\/2, 100% of/);
      const config = await loadConfig(paths.config);
      const reference = await loadReference(paths.out);
      expect(checkReferenceMatchesModel(reference, config.models[0])).toEqual([]);
      // Nice and Paris tie at 2: by name.
      expect(reference.features.city).toMatchObject({ categories: [{ value: 'Nice', count: 2 }, { value: 'Paris', count: 2 }, { value: 'Lyon, FR', count: 1 }] });
    });
  });

  it('--key=value works too, and the output is byte-identical under SOURCE_DATE_EPOCH', async () => {
    await withTempDir(async (dir) => {
      const paths = await setUp(dir);
      const saved = process.env.SOURCE_DATE_EPOCH;
      process.env.SOURCE_DATE_EPOCH = '1763000000';
      try {
        const args = [`--config=${paths.config}`, '--model=credit', `--data=${paths.data}`, `--out=${paths.out}`];
        expect((await run(dir, args)).code).toBe(0);
        const first = await readFile(paths.out);
        expect((await run(dir, args)).code).toBe(0);
        expect((await readFile(paths.out)).equals(first)).toBe(true);
      } finally {
        if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
        else process.env.SOURCE_DATE_EPOCH = saved;
      }
    });
  });

  it('--out defaults to the model\'s reference: path, and --model to the only model', async () => {
    await withTempDir(async (dir) => {
      const paths = await setUp(dir);
      const result = await run(dir, ['--config', paths.config, '--data', paths.data]);
      expect(result.code).toBe(0);
      expect(result.out).toContain(`written to ${paths.out}:`);
      const config = await loadConfig(paths.config);
      expect(checkReferenceMatchesModel(await loadReference(config.models[0].reference), config.models[0])).toEqual([]);
    });
  });

  it('exit 2: no --model when the config has several; the default --out must not be the data file', async () => {
    await withTempDir(async (dir) => {
      const two = `${CONFIG}  - name: fraud
    task: regression
    version: "1"
    reference: ./train.csv
    features:
      - { name: amount, type: numeric }
`;
      const paths = await setUp(dir, two);
      const ambiguous = await run(dir, ['--config', paths.config, '--data', paths.data]);
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.err).toMatch(/has 2 models \("credit", "fraud"\); say which with --model NAME/);
      const overwrite = await run(dir, ['--config', paths.config, '--model', 'fraud', '--data', paths.data]);
      expect(overwrite.code).toBe(2);
      expect(overwrite.err).toMatch(/the model's reference: path \(.*train\.csv\) is the data file/);
    });
  });

  it('exit 1: an invalid config, listed problem by problem', async () => {
    await withTempDir(async (dir) => {
      const paths = await setUp(dir, CONFIG.replace('task: binary_classification', 'task: clustering'));
      const result = await run(dir, argsFor(paths));
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/invalid config .*mlwatch\.yaml:\n {2}- models\[0\]\.task/);
      expect(result.err).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
      expect(result.out).toBe('');
    });
  });

  it('exit 1: a model the config does not have', async () => {
    await withTempDir(async (dir) => {
      const paths = await setUp(dir);
      const result = await run(dir, argsFor(paths, 'fraud'));
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/has no model "fraud" \(its models: "credit"\)/);
    });
  });

  it('exit 1: data errors (absent column, missing file), readable and without a stack trace', async () => {
    await withTempDir(async (dir) => {
      const paths = await setUp(dir, CONFIG, 'amount,town,member,score\n1,x,true,0.5\n');
      const absent = await run(dir, argsFor(paths));
      expect(absent.code).toBe(1);
      expect(absent.err).toMatch(/^mlwatch reference build: .*train\.csv: no column "city" in the header row/m);
      expect(absent.err).not.toMatch(/\bat .*\.ts:\d+/);
      const missing = await run(dir, argsFor({ ...paths, data: join(dir, 'nope.csv') }));
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/data file .*nope\.csv does not exist/);
    });
  });

  it('exit 2: usage errors', async () => {
    await withTempDir(async (dir) => {
      const paths = await setUp(dir);
      const missing = await run(dir, ['--config', paths.config, '--model', 'credit']);
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/missing --data\nusage: mlwatch reference build --config FILE \[--model NAME\] --data FILE \[--out FILE\]/);
      expect((await run(dir, [...argsFor(paths), '--bins', '5'])).code).toBe(2);
      expect((await run(dir, [...argsFor(paths), 'extra'])).code).toBe(2);
      const overwrite = await run(dir, argsFor({ ...paths, out: paths.data }));
      expect(overwrite.code).toBe(2);
      expect(overwrite.err).toMatch(/--out is the data file/);
      const help = await run(dir, ['--help']);
      expect(help.code).toBe(0);
      expect(help.out).toMatch(/^usage: mlwatch reference build/);
    });
  });
});
