// The committed example: train.csv is what make-example writes, and mlwatch.yaml declares
// exactly the generator's features with ranges and categories that hold the training data.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import { runMakeExample } from '../../src/cli/make-example.js';
import { CREDIT_CLASSES, CREDIT_FEATURES, CREDIT_MODEL_NAME, CREDIT_MODEL_VERSION, DECISION_THRESHOLD } from '../../src/demo/credit-model.js';
import { featureMismatches } from '../../src/demo/setup.js';
import { OUTCOME_COLUMN, TRAINING_ROWS, TRAINING_SEED, trainingRows } from '../../src/demo/training-data.js';

const EXAMPLE = new URL('../../examples/credit/', import.meta.url);
const TRAIN_CSV = new URL('train.csv', EXAMPLE);
const CONFIG = new URL('mlwatch.yaml', EXAMPLE);

const scratch = await mkdtemp(join(tmpdir(), 'mlwatch-example-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('examples/credit', () => {
  it('train.csv is byte for byte what runMakeExample writes', async () => {
    const out = join(scratch, 'train.csv');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await runMakeExample(['--out', out])).toBe(0);
    } finally {
      write.mockRestore();
    }
    const [regenerated, committed] = await Promise.all([readFile(out), readFile(TRAIN_CSV)]);
    expect(regenerated.equals(committed)).toBe(true);
    expect((await stat(TRAIN_CSV)).size).toBeLessThan(1024 * 1024);
  });

  it('runMakeExample refuses a bad argument with exit code 2', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runMakeExample(['--rows', 'many', '--out', join(scratch, 'x.csv')])).toBe(2);
    } finally {
      write.mockRestore();
    }
  });

  it('mlwatch.yaml declares the credit model the demo generates', async () => {
    const config = await loadConfig(fileURLToPath(CONFIG));
    expect(config.models).toHaveLength(1);
    const model = config.models[0];
    expect(model.name).toBe(CREDIT_MODEL_NAME);
    expect(model.task).toBe('binary_classification');
    expect(model.classes).toEqual([...CREDIT_CLASSES]);
    expect(model.version).toBe(CREDIT_MODEL_VERSION);
    expect(model.prediction.decision_threshold).toBe(DECISION_THRESHOLD);
    expect(model.reference_build.prediction_column).toBe('prediction');
    expect(model.reference_build.label_column).toBe(OUTCOME_COLUMN);
    expect(model.features.map((f) => [f.name, f.type, f.nullable])).toEqual(CREDIT_FEATURES.map((f) => [f.name, f.type, f.nullable]));
    expect(featureMismatches(model)).toEqual([]);
    expect(model.drift.window_seconds).toBe(60);
  });

  it('the configured ranges and categories hold every training value (no false quality alarms)', async () => {
    const model = (await loadConfig(fileURLToPath(CONFIG))).models[0];
    for (const { features } of trainingRows(TRAINING_SEED, TRAINING_ROWS)) {
      for (const feature of model.features) {
        const value = features[feature.name as keyof typeof features];
        if (value === null) {
          expect(feature.nullable).toBe(true);
        } else if (feature.type === 'numeric') {
          const [min, max] = feature.range ?? [-Infinity, Infinity];
          expect(typeof value === 'number' && value >= min && value <= max, `${feature.name}=${String(value)}`).toBe(true);
        } else if (feature.type === 'categorical') {
          expect(feature.categories).toContain(value);
        } else {
          expect(typeof value).toBe('boolean');
        }
      }
    }
  });
});
