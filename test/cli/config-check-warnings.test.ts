// `mlwatch config check` warns (exit 0) when the README's example config, whose `country`
// allows only DE, FR and ES, meets the example's train.csv: 1830 of its 5000 rows (36.6%)
// are other countries (counted from train.csv by this test, not trusted from the message).
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runConfigCheck } from '../../src/cli/config-check.js';
import { loadConfig } from '../../src/config/loader.js';
import { buildReference } from '../../src/reference/build.js';
import { writeReference } from '../../src/reference/io.js';

const TRAIN_CSV = fileURLToPath(new URL('../../examples/credit/train.csv', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'mlwatch-config-warnings-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const CONFIG = `
models:
  - name: credit
    task: binary_classification
    classes: [rejected, approved]
    version: "2.3.0"
    reference: reference.json
    features:
      - { name: income, type: numeric }
      - { name: country, type: categorical, categories: [DE, FR, ES] }
      - { name: has_mortgage, type: boolean }
`;

describe('config check warnings', () => {
  it('names the share of training rows the configured categories leave out, and still exits 0', async () => {
    const configPath = join(scratch, 'mlwatch.yaml');
    await writeFile(configPath, CONFIG);
    await copyFile(TRAIN_CSV, join(scratch, 'train.csv'));
    const config = await loadConfig(configPath);
    await writeReference(join(scratch, 'reference.json'), await buildReference({ model: config.models[0], dataPath: join(scratch, 'train.csv') }));

    const lines = (await readFile(TRAIN_CSV, 'utf8')).trim().split('\n');
    const column = lines[0].split(',').indexOf('country');
    const countries = lines.slice(1).map((line) => line.split(',')[column]).filter((c) => c !== '');
    const outside = countries.filter((c) => !['DE', 'FR', 'ES'].includes(c)).length;
    const expected = `${((100 * outside) / countries.length).toFixed(1)}%`;
    expect(expected).toBe('36.6%');

    let out = '';
    let err = '';
    const code = await runConfigCheck(['--config', configPath], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    expect(code).toBe(0);
    expect(err).toContain(`models[0].features[1].categories: leaves out ${expected} of the reference's "country" values`);
    expect(out).toContain('config OK');
    const warnings = err.split('\n').filter((line) => line.startsWith('  - '));
    expect(out).toContain(`(${warnings.length} warnings above)`);
    // min_samples 100: the noise levels of 100-value windows are above some thresholds.
    expect(warnings.some((w) => w.startsWith('  - models[0].drift.min_samples: at 100 values the jensen_shannon noise level exceeds its threshold 0.1'))).toBe(true);
  });
});
