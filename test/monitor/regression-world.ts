// A known regression world for the label-free error estimate: x ~ N(μ, 1), a region, the model
// predicts ŷ = 2x + 1 and the truth is y = ŷ + ε with ε ~ N(0, σ(x)), σ = 0.3 + 0.4 |x|: the
// error grows away from x = 0 and depends on the inputs only through the prediction (ŷ fixes
// |x| up to its sign, and σ is symmetric). A covariate shift moves μ; `noiseScale` multiplies σ
// (concept drift: the same prediction now errs more).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/loader.js';
import type { Config } from '../../src/config/types.js';
import { buildReference } from '../../src/reference/build.js';
import type { Reference } from '../../src/reference/types.js';
import { seededRandom } from '../../src/reference/seeded-random.js';

export interface RegressionRow {
  x: number;
  region: 'north' | 'south';
  prediction: number;
  label: number;
}

export function regressionRow(random: () => number, mu: number, noiseScale = 1): RegressionRow {
  const x = mu + gaussian(random);
  const prediction = 2 * x + 1;
  const sigma = (0.3 + 0.4 * Math.abs(x)) * noiseScale;
  return { x, region: random() < 0.5 ? 'north' : 'south', prediction, label: prediction + sigma * gaussian(random) };
}

export function regressionConfigYaml(): string {
  return `
defaults:
  drift: { window_seconds: 3600, sub_windows: 6, min_samples: 100 }
models:
  - name: demand
    task: regression
    version: "1"
    reference: reference.json
    segments:
      - { feature: region }
    variants: [champion, canary]
    features:
      - { name: x, type: numeric }
      - { name: region, type: categorical, categories: [north, south] }
    reference_build: { label_column: label, performance_chunk_rows: 500 }
`;
}

/** The config and a reference built from `rows` training rows at μ = 0. */
export async function regressionSetup(dir: string, rows = 20_000, seed = 2026): Promise<{ config: Config; reference: Reference }> {
  const config = parseConfig(regressionConfigYaml(), join(dir, 'mlwatch.yaml'));
  const random = seededRandom(seed);
  const lines = ['x,region,prediction,label'];
  for (let i = 0; i < rows; i++) {
    const r = regressionRow(random, 0);
    lines.push([r.x, r.region, r.prediction, r.label].join(','));
  }
  const path = join(dir, 'train.csv');
  await writeFile(path, `${lines.join('\n')}\n`);
  const reference = { ...(await buildReference({ model: config.models[0], dataPath: path, now: new Date(0) })), checksum: '' };
  return { config, reference };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
