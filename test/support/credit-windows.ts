// The bundled credit example as a test bed for drift decisions: its config, the reference
// mlwatch builds from examples/credit/train.csv (the real builder), and the training rows as
// events, so a test can replay windows drawn from the very rows the reference was built from.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/loader.js';
import type { ModelConfig } from '../../src/config/types.js';
import { buildReference } from '../../src/reference/build.js';
import type { Reference } from '../../src/reference/types.js';

export const CREDIT_DIR = join(import.meta.dirname, '..', '..', 'examples', 'credit');

export interface CreditBed {
  model: ModelConfig;
  reference: Reference;
  /** The training rows as prediction events, in file order. */
  events: { features: Record<string, unknown>; prediction: { score: number } }[];
}

export async function creditBed(): Promise<CreditBed> {
  const config = await loadConfig(join(CREDIT_DIR, 'mlwatch.yaml'));
  const model = config.models[0];
  const dataPath = join(CREDIT_DIR, 'train.csv');
  const reference = { ...(await buildReference({ model, dataPath, now: new Date('2026-12-01T00:00:00Z') })), checksum: 'test' } as Reference;
  const lines = (await readFile(dataPath, 'utf8')).trim().split('\n');
  const header = lines[0].split(',');
  const kinds = new Map(model.features.map((f) => [f.name, f.type]));
  const events = lines.slice(1).map((line) => {
    const cells = line.split(',');
    const features: Record<string, unknown> = {};
    let score = NaN;
    header.forEach((name, i) => {
      const cell = cells[i];
      if (name === 'prediction') score = Number(cell);
      else if (cell === '') features[name] = null;
      else if (kinds.get(name) === 'numeric') features[name] = Number(cell);
      else if (kinds.get(name) === 'boolean') features[name] = cell === 'true';
      else features[name] = cell;
    });
    return { features, prediction: { score } };
  });
  return { model, reference, events };
}
