// Drift decisions on stationary traffic, through the real path: the reference built by
// `buildReference` from examples/credit/train.csv, events recorded by ModelMonitor.record, the
// decision taken by DriftComputer. Every method takes its turn as the decision method (four
// computers read the same window). Target: a feature (or the prediction) is declared drifted
// in at most 1% of stationary windows, at every n >= min_samples.
// Windows: 300 per (sampling, n), bootstrapped from the training rows the reference was built
// from, or fresh from the generating distribution (the demo's credit population).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CategoricalDriftMethod, NumericDriftMethod } from '../../src/config/types.js';
import { approvalScore, sampleApplication } from '../../src/demo/credit-model.js';
import { Prng } from '../../src/demo/prng.js';
import { DriftComputer } from '../../src/monitor/drift.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { creditBed, type CreditBed } from '../support/credit-windows.js';
import { seededRandom } from '../stats/random.js';

const WINDOWS = 300;
const DECISIONS: { numeric: NumericDriftMethod; categorical: CategoricalDriftMethod }[] = [
  { numeric: 'psi', categorical: 'psi' },
  { numeric: 'jensen_shannon', categorical: 'jensen_shannon' },
  { numeric: 'wasserstein_normalized', categorical: 'chi2_pvalue' },
  { numeric: 'ks', categorical: 'chebyshev' },
];

let bed: CreditBed;
beforeAll(async () => {
  bed = await creditBed();
}, 60_000);

type Event = CreditBed['events'][number];

/** Per decision pair and slot: windows declared drifted out of WINDOWS. */
function driftedCounts(n: number, draw: () => Event): number[][] {
  const counts = DECISIONS.map(() => new Array<number>(bed.model.features.length + 1).fill(0));
  for (let w = 0; w < WINDOWS; w++) {
    const monitor = new ModelMonitor(bed.model, bed.reference, [1]);
    for (let i = 0; i < n; i++) monitor.record(draw());
    DECISIONS.forEach((decision_method, d) => {
      const drift = new DriftComputer(monitor.layout, { ...bed.model.drift, decision_method });
      const result = drift.compute(monitor.state.defaultCell, 1);
      // NaN: fewer than min_samples values (a nullable feature), not judged.
      for (let s = 0; s < counts[d].length; s++) if (result.drifted[s] === 1) counts[d][s]++;
    });
  }
  return counts;
}

function report(counts: number[][]): string {
  const names = [...bed.model.features.map((f) => f.name), '(prediction)'];
  return DECISIONS.map((d, i) => `${d.numeric}/${d.categorical}: ${names.map((name, s) => `${name} ${counts[i][s]}`).join(', ')}`).join('\n');
}

const samplings: { name: string; draw: (seed: number) => () => Event }[] = [
  {
    name: 'bootstrapped from the training rows',
    draw: (seed) => {
      const random = seededRandom(seed);
      return () => bed.events[Math.floor(random() * bed.events.length)];
    },
  },
  {
    name: 'fresh from the generating distribution',
    draw: (seed) => {
      const prng = new Prng(seed, 7);
      return () => {
        const features = sampleApplication(prng);
        return { features: features as unknown as Record<string, unknown>, prediction: { score: approvalScore(features) } };
      };
    },
  },
];

describe(`stationary windows are declared drifted in at most 1% of ${WINDOWS} windows, every method deciding`, () => {
  for (const sampling of samplings) {
    for (const n of [100, 1000]) {
      it(`${sampling.name}, n = ${n}`, () => {
        const counts = driftedCounts(n, sampling.draw(n + sampling.name.length));
        const worst = Math.max(...counts.flat());
        expect(worst, report(counts)).toBeLessThanOrEqual(WINDOWS * 0.01);
      });
    }
  }
});
