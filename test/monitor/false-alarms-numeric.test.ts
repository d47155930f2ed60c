// Stationary numeric windows are declared drifted in at most 1% of windows, at every
// n >= min_samples (100), whichever method decides: a normal, a lognormal, an integer-valued
// (Poisson 3: the edges are its values) and a zero-inflated (55% at 0, the minimum) feature.
// Reference: 10,000 training rows through the real buildReference (noise levels included);
// windows through the real layout, hot-path recording and DriftComputer (drift-bed.ts).
// Windows per (sampling, n): 600 up to n = 500, 400 at 1000, 150 at 5000 (where the threshold,
// not the noise, decides); sampled by bootstrap from the very
// training rows and fresh from the generating distributions. n = 100, 200, 500, 1000 and 5000
// all fall between the noise grid's sizes (interpolated levels).
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_KINDS, bootstrap, buildBed, driftedShares, fresh, shareTable, WindowJudge, type Bed } from '../support/drift-bed.js';
import { seededRandom } from '../support/synthetic-reference.js';

const SIZES = [100, 200, 500, 1000, 5000];
const windowsAt = (n: number): number => (n >= 5000 ? 150 : n >= 1000 ? 400 : 600);

let bed: Bed;
let judge: WindowJudge;
beforeAll(async () => {
  bed = await buildBed([FEATURE_KINDS.normal, FEATURE_KINDS.lognormal, FEATURE_KINDS.integer, FEATURE_KINDS.zero_inflated], 10_000, 101);
  judge = new WindowJudge(bed);
}, 120_000);

describe('numeric features: at most 1% of stationary windows declared drifted, every method deciding', () => {
  for (const [name, sampler] of [['bootstrapped from the training rows', bootstrap], ['fresh from the generating distribution', fresh]] as const) {
    for (const n of SIZES) {
      it(`${name}, n = ${n}`, () => {
        const shares = driftedShares(judge, windowsAt(n), n, sampler(bed, seededRandom(n * 17 + name.length)));
        const table = shareTable(bed, shares);
        console.info(`false alarms, numeric, ${name}, n = ${n} (${windowsAt(n)} windows):\n${table}`);
        expect(Math.max(...shares.flat()), table).toBeLessThanOrEqual(0.01);
      });
    }
  }
});
