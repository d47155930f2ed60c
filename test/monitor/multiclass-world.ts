// A known multiclass world for the CBPE tests: two numeric features and a segment feature,
// the true P(y | x) a softmax of linear logits over 3 classes, and a model whose scores are the
// same logits sharpened (temperature < 1: over-confident, miscalibrated) or not (temperature 1:
// calibrated). Covariate shift moves the features' mean; P(y | x) stays, so CBPE should track.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/loader.js';
import type { Config } from '../../src/config/types.js';
import { buildReference } from '../../src/reference/build.js';
import type { Reference } from '../../src/reference/types.js';
import { seededRandom } from '../../src/reference/seeded-random.js';

export const CLASSES = ['cat', 'dog', 'fox'] as const;
const WEIGHTS = [
  [1.6, 0.0, 0.2],
  [-0.8, 1.4, 0.0],
  [-0.8, -1.4, -0.2],
];

export interface Row {
  x1: number;
  x2: number;
  region: string;
}

/** The true P(class | x). */
export function truth(row: Row): number[] {
  return softmax(logits(row), 1);
}

/** The model's scores: the true logits divided by `temperature` (< 1 over-confident). */
export function modelScores(row: Row, temperature: number): number[] {
  return softmax(logits(row), temperature);
}

export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/** Draws an index from probabilities `p`. */
export function draw(p: readonly number[], u: number): number {
  let cumulative = 0;
  for (let k = 0; k < p.length; k++) {
    cumulative += p[k];
    if (u < cumulative) return k;
  }
  return p.length - 1;
}

/** A row with the features' means shifted by `shift` (0: the reference's distribution). */
export function sampleRow(random: () => number, shift: number): Row {
  const region = random() < 0.5 ? 'north' : 'south';
  return { x1: gaussian(random) + shift, x2: gaussian(random) * (1 + 0.5 * shift) - 0.7 * shift, region };
}

export function configYaml(scoreColumns = 'score_columns: { cat: p_cat, dog: p_dog, fox: p_fox }'): string {
  return `
defaults:
  drift: { window_seconds: 3600, sub_windows: 6, min_samples: 100 }
models:
  - name: animals
    task: multiclass_classification
    classes: [cat, dog, fox]
    version: "1"
    reference: reference.json
    segments:
      - { feature: region }
    variants: [champion, canary]
    features:
      - { name: x1, type: numeric }
      - { name: x2, type: numeric }
      - { name: region, type: categorical, categories: [north, south] }
    reference_build: { label_column: label, performance_chunk_rows: 500, ${scoreColumns} }
`;
}

/** The config and a reference built from `rows` training rows of the world (labels drawn from the truth). */
export async function multiclassSetup(dir: string, options: { temperature: number; rows?: number; seed?: number }): Promise<{ config: Config; reference: Reference }> {
  const config = parseConfig(configYaml(), join(dir, 'mlwatch.yaml'));
  const random = seededRandom(options.seed ?? 2026);
  const lines = ['x1,x2,region,prediction,p_cat,p_dog,p_fox,label'];
  for (let i = 0; i < (options.rows ?? 20_000); i++) {
    const row = sampleRow(random, 0);
    const scores = modelScores(row, options.temperature);
    const label = CLASSES[draw(truth(row), random())];
    lines.push([row.x1, row.x2, row.region, CLASSES[argmax(scores)], ...scores, label].join(','));
  }
  const path = join(dir, 'train.csv');
  await writeFile(path, `${lines.join('\n')}\n`);
  const reference = { ...(await buildReference({ model: config.models[0], dataPath: path, now: new Date(0) })), checksum: '' };
  return { config, reference };
}

function logits(row: Row): number[] {
  return WEIGHTS.map(([a, b, c]) => a * row.x1 + b * row.x2 + c);
}

function softmax(z: readonly number[], temperature: number): number[] {
  const scaled = z.map((v) => v / temperature);
  const top = Math.max(...scaled);
  const e = scaled.map((v) => Math.exp(v - top));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
