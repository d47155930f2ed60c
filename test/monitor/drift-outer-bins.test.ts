// The bin below the reference minimum follows the same rule as the bin above the maximum: the
// first edge is the double just below the minimum (src/reference/edges.ts), so neither outer
// bin holds a reference value and PSI's ε stands in for the reference share on both sides.
// Measured through the pipeline (buildReference → record → DriftComputer), PSI on the coarse
// bins:
//   5% of the window moved below the minimum scores the same as 5% moved above the maximum
//   (0.01), at any training-set size (2 000 or 200 000 rows: 0.01), and close to the formula
//   (0.05 - ε) ln(0.05 / ε) + (0.05 - 0.1) ln(0.05 / 0.1) = 0.3453 for the 10% bin it came from.
//   Measured: 0.3448 below and above, at both sizes. Before this rule the bin (-Inf, min] held the
//   minimum's own 1/N, and the score below the minimum grew with N: 0.262 at 2 000 rows and 0.495
//   at 200 000, against 0.345 above the maximum.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftComputer } from '../../src/monitor/drift.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { buildReference } from '../../src/reference/build.js';
import type { Reference } from '../../src/reference/types.js';
import { PSI_EPSILON } from '../../src/stats/binned.js';
import { normal, seededRandom, testModel } from '../support/synthetic-reference.js';

const model = testModel({ features: [{ name: 'x', type: 'numeric', nullable: false }] });
model.drift.min_samples = 10;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlwatch-outer-bins-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function psiOf(reference: Reference, window: number[]): number {
  const monitor = new ModelMonitor(model, reference, [1]);
  const drift = new DriftComputer(monitor.layout, model.drift);
  for (const x of window) monitor.record({ features: { x }, prediction: 0.5 });
  return drift.compute(monitor.state.defaultCell, 0).scores[0];
}

const FORMULA = (0.05 - PSI_EPSILON) * Math.log(0.05 / PSI_EPSILON) + (0.05 - 0.1) * Math.log(0.05 / 0.1);

describe('PSI of a window beyond either end of the reference', () => {
  const below: number[] = [];
  for (const rows of [2_000, 200_000]) {
    it(`${rows} training rows: 5% below the minimum scores like 5% above the maximum`, async () => {
      const random = seededRandom(rows);
      const training = Array.from({ length: rows }, () => normal(random, 50, 10)).sort((a, b) => a - b);
      const dataPath = join(dir, `train-${rows}.csv`);
      await writeFile(dataPath, `x,prediction\n${training.map((x) => `${x},0.5`).join('\n')}\n`);
      const reference = (await buildReference({ model, dataPath, now: new Date(0) })) as Reference;
      const sketch = reference.features.x;
      if (sketch.kind !== 'numeric') throw new Error('x is numeric');
      expect(sketch.counts[0]).toBe(0); // the bin below the minimum holds no reference value
      // The training values themselves, with the lowest (highest) 5% moved past the minimum (maximum).
      const moved = rows * 0.05;
      const min = training[0];
      const max = training[rows - 1];
      const psiBelow = psiOf(reference, training.map((x, i) => (i < moved ? min - 1 - i : x)));
      const psiAbove = psiOf(reference, training.map((x, i) => (i >= rows - moved ? max + 1 + i : x)));
      expect(Math.abs(psiBelow - psiAbove), `below ${psiBelow}, above ${psiAbove}`).toBeLessThanOrEqual(0.01);
      expect(Math.abs(psiBelow - FORMULA), `below ${psiBelow}, formula ${FORMULA}`).toBeLessThanOrEqual(0.01);
      below.push(psiBelow);
    });
  }

  it('the score below the minimum does not grow with the training set', () => {
    expect(below).toHaveLength(2);
    expect(Math.abs(below[0] - below[1]), `2 000 rows ${below[0]}, 200 000 rows ${below[1]}`).toBeLessThanOrEqual(0.01);
  });
});
