// KS and normalised Wasserstein as the sidecar computes them — from a reference built by the
// real builder (t-digest quantiles for >4096 distinct values, fine bins with tail levels) and
// the window's fine-bin counts — against the exact two-sample values on the raw data:
//   KS  = sup_x |F_ref(x) − F_win(x)|                      tolerance 0.01 absolute
//   W1  = ∫ |F_ref(x) − F_win(x)| dx, normalised by the reference std (population)
//                                                           tolerance 2% relative where the drift is real,
//                                                           0.01 absolute for undrifted windows (sampling noise)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftComputer, METHODS_PER_SLOT } from '../../src/monitor/drift.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { buildReference } from '../../src/reference/build.js';
import type { Reference } from '../../src/reference/types.js';
import { ksExact, wassersteinExact } from '../../src/stats/exact.js';
import { normal, seededRandom, testModel } from '../support/synthetic-reference.js';

const TRAINING_ROWS = 60_000;
const WINDOW = 5_000;
const random = seededRandom(2026);
// A heavy right tail (lognormal, sigma 1) and a plain normal feature.
const income = Array.from({ length: TRAINING_ROWS }, () => Math.exp(normal(random, 10, 1)));
const price = Array.from({ length: TRAINING_ROWS }, () => normal(random, 100, 15));
const model = testModel({
  features: [
    { name: 'income', type: 'numeric', nullable: false },
    { name: 'price', type: 'numeric', nullable: false },
  ],
});
model.drift.min_samples = 10;
let dir = '';
let reference: Omit<Reference, 'checksum'>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlwatch-drift-built-'));
  const rows = ['income,price,prediction', ...income.map((x, i) => `${x},${price[i]},${random()}`)];
  const dataPath = join(dir, 'train.csv');
  await writeFile(dataPath, `${rows.join('\n')}\n`);
  reference = await buildReference({ model, dataPath, now: new Date('2026-12-01T00:00:00Z') });
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

function populationStd(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

type Case = { name: string; drifted: boolean; draw: (r: () => number) => { income: number; price: number } };
const cases: Case[] = [
  { name: 'undrifted', drifted: false, draw: (r) => ({ income: Math.exp(normal(r, 10, 1)), price: normal(r, 100, 15) }) },
  { name: 'mean shift (0.5 std; income ×1.5)', drifted: true, draw: (r) => ({ income: 1.5 * Math.exp(normal(r, 10, 1)), price: normal(r, 107.5, 15) }) },
  { name: 'heavier tail (sigma 1.3; price std ×1.5)', drifted: true, draw: (r) => ({ income: Math.exp(normal(r, 10, 1.3)), price: normal(r, 100, 22.5) }) },
  { name: 'unit change ÷1000', drifted: true, draw: (r) => ({ income: Math.exp(normal(r, 10, 1)) / 1000, price: normal(r, 100, 15) / 1000 }) },
];

describe('KS and W1 from a built reference sketch vs exact two-sample values', () => {
  for (const c of cases) {
    it(c.name, () => {
      const monitor = new ModelMonitor(model, reference as Reference, [1]);
      const drift = new DriftComputer(monitor.layout, model.drift);
      const r = seededRandom(c.name.length * 7919);
      const window = Array.from({ length: WINDOW }, () => c.draw(r));
      for (const features of window) monitor.record({ features });
      const result = drift.compute(monitor.state.defaultCell, 1000);
      for (const [slot, name, training] of [[0, 'income', income], [1, 'price', price]] as const) {
        const live = window.map((e) => e[name]);
        const [, , wn, ks] = result.scores.subarray(slot * METHODS_PER_SLOT, (slot + 1) * METHODS_PER_SLOT);
        const ksTrue = ksExact(training, live);
        const wnTrue = wassersteinExact(training, live) / populationStd(training);
        expect(Math.abs(ks - ksTrue), `${name} KS ${ks} vs exact ${ksTrue}`).toBeLessThanOrEqual(0.01);
        if (c.drifted) expect(Math.abs(wn - wnTrue) / wnTrue, `${name} W1/std ${wn} vs exact ${wnTrue}`).toBeLessThan(0.02);
        else expect(Math.abs(wn - wnTrue), `${name} W1/std ${wn} vs exact ${wnTrue}`).toBeLessThan(0.01);
      }
    });
  }
});
