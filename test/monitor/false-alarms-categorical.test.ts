// Stationary categorical windows are declared drifted in at most 1% of windows, at every
// n >= min_samples (100), whichever method decides: 10 Zipf categories, 200 Zipf categories
// kept as the top 50 plus __other__ (51 bins), and a boolean (30% true). The figures
// for the threshold alone: JS >= 0.1 in 79% (10 categories) and 100% (51) of 100-value windows.
// Reference: 10,000 training rows through the real buildReference; windows through the real
// layout, recording and DriftComputer. Windows per (sampling, n): 1000 up to n = 200, 600 at
// 500 and 1000, 200 at 5000 (where the threshold, not the noise, decides).
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_KINDS, bootstrap, buildBed, driftedShares, fresh, shareTable, WindowJudge, type Bed } from '../support/drift-bed.js';
import { seededRandom } from '../support/synthetic-reference.js';

const SIZES = [100, 200, 500, 1000, 5000];
const windowsAt = (n: number): number => (n >= 5000 ? 200 : n >= 500 ? 600 : 1000);

let bed: Bed;
let judge: WindowJudge;
beforeAll(async () => {
  bed = await buildBed([FEATURE_KINDS.zipf10, FEATURE_KINDS.zipf51, FEATURE_KINDS.boolean], 10_000, 102);
  judge = new WindowJudge(bed);
}, 120_000);

describe('categorical features: at most 1% of stationary windows declared drifted, every method deciding', () => {
  it('the reference keeps the top 50 of the 200 Zipf categories, plus __other__', () => {
    const slot = judge.layout.slots[1];
    expect(slot.kind === 'categorical' && slot.categories.length).toBe(51);
  });

  for (const [name, sampler] of [['bootstrapped from the training rows', bootstrap], ['fresh from the generating distribution', fresh]] as const) {
    for (const n of SIZES) {
      it(`${name}, n = ${n}`, () => {
        const shares = driftedShares(judge, windowsAt(n), n, sampler(bed, seededRandom(n * 13 + name.length)));
        const table = shareTable(bed, shares);
        console.info(`false alarms, categorical, ${name}, n = ${n} (${windowsAt(n)} windows):\n${table}`);
        expect(Math.max(...shares.flat()), table).toBeLessThanOrEqual(0.01);
      });
    }
  }
});
