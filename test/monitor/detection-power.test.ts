// Detection power at 1,000 values: the default decision (Jensen-Shannon distance >= 0.1 and
// >= the noise level, for numeric and categorical features alike) declares drifted >= 99% of
// windows of a 0.5σ mean shift, a variance x2 and a unit change x1000 of a numeric feature
// (normal and lognormal), and of a category-share shift of 0.2 (0.2 of the probability moved
// onto the most frequent category, or, where it holds that much, off it onto the others in
// proportion) for 10 and 51 Zipf categories and a boolean. 500 windows per change, through the
// real layout, recording and DriftComputer with a reference from the real builder.
// Why Jensen-Shannon and not PSI by default: PSI at its 0.2 threshold misses most variance x2
// windows of a normal feature (PSI ≈ 0.145 on 10 equal-frequency bins), which this test measures.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DRIFT } from '../../src/config/defaults.js';
import { methodsOf } from '../../src/monitor/drift.js';
import { FEATURE_KINDS, buildBed, driftedShares, shareTable, WindowJudge, type Bed, type Random, type Value } from '../support/drift-bed.js';
import { seededRandom } from '../support/synthetic-reference.js';

const WINDOWS = 500;
const N = 1000;

let bed: Bed;
let judge: WindowJudge;
/** Per feature: the training data's mean and std (numeric), its most frequent value and share. */
let facts: { mean: number; std: number; top: Value; topShare: number }[];

beforeAll(async () => {
  const specs = [FEATURE_KINDS.normal, FEATURE_KINDS.lognormal, FEATURE_KINDS.zipf10, FEATURE_KINDS.zipf51, FEATURE_KINDS.boolean];
  bed = await buildBed(specs, 10_000, 103, { decision_method: DEFAULT_DRIFT.decision_method });
  judge = new WindowJudge(bed);
  facts = bed.training.map((column) => {
    const numbers = column.filter((v): v is number => typeof v === 'number');
    const mean = numbers.reduce((a, b) => a + b, 0) / Math.max(1, numbers.length);
    const std = Math.sqrt(numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, numbers.length));
    const counts = new Map<Value, number>();
    for (const v of column) counts.set(v, (counts.get(v) ?? 0) + 1);
    const [top, count] = [...counts].sort((a, b) => b[1] - a[1])[0];
    return { mean, std, top, topShare: count / column.length };
  });
}, 120_000);

type Change = (feature: number, random: Random) => Value;

const NUMERIC_CHANGES: Record<string, Change> = {
  'mean shift 0.5σ': (f, r) => (bed.specs[f].draw(r) as number) + 0.5 * facts[f].std,
  'variance x2': (f, r) => facts[f].mean + ((bed.specs[f].draw(r) as number) - facts[f].mean) * Math.SQRT2,
  'unit change x1000': (f, r) => (bed.specs[f].draw(r) as number) * 1000,
};

const CATEGORY_CHANGES: Record<string, Change> = {
  // Emit the top category with probability a, else the original draw: its share rises by a·(1 - p) = 0.2.
  'share +0.2 onto the most frequent category': (f, r) => (r() < 0.2 / (1 - facts[f].topShare) ? facts[f].top : bed.specs[f].draw(r)),
  // Replace a top-category value, with probability 0.2 / p, by a draw from the other categories:
  // its share falls by exactly 0.2 and the others gain it in proportion.
  'share -0.2 off the most frequent category': (f, r) => {
    const v = bed.specs[f].draw(r);
    if (v !== facts[f].top || r() >= 0.2 / facts[f].topShare) return v;
    for (;;) {
      const other = bed.specs[f].draw(r);
      if (other !== facts[f].top) return other;
    }
  },
};

function defaultDecisionShare(shares: number[][], f: number): number {
  const slot = judge.layout.slots[f];
  return shares[f][methodsOf(slot).indexOf(DEFAULT_DRIFT.decision_method[slot.kind])];
}

describe(`the default decision catches each change in >= 99% of ${WINDOWS} windows of ${N} values`, () => {
  const numeric = [0, 1];
  const categorical = [2, 3, 4];
  for (const [name, change] of Object.entries(NUMERIC_CHANGES)) {
    it(`numeric (normal, lognormal): ${name}`, () => {
      const r = seededRandom(name.length * 101);
      const shares = driftedShares(judge, WINDOWS, N, (f) => (numeric.includes(f) ? change(f, r) : bed.specs[f].draw(r)));
      console.info(`detection, ${name}, n = ${N}:\n${shareTable(bed, shares.slice(0, 2).concat([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]))}`);
      for (const f of numeric) expect(defaultDecisionShare(shares, f), `${bed.specs[f].name}\n${shareTable(bed, shares)}`).toBeGreaterThanOrEqual(0.99);
    });
  }
  for (const [name, change] of Object.entries(CATEGORY_CHANGES)) {
    it(`categorical (10 and 51 Zipf categories, boolean): ${name}`, () => {
      const r = seededRandom(name.length * 103);
      const applies = (f: number): boolean => categorical.includes(f) && (name.startsWith('share +') || facts[f].topShare > 0.2);
      const shares = driftedShares(judge, WINDOWS, N, (f) => (applies(f) ? change(f, r) : bed.specs[f].draw(r)));
      console.info(`detection, ${name}, n = ${N}:\n${shareTable(bed, shares)}`);
      for (const f of categorical.filter(applies)) expect(defaultDecisionShare(shares, f), `${bed.specs[f].name}\n${shareTable(bed, shares)}`).toBeGreaterThanOrEqual(0.99);
    });
  }

  it('PSI at its threshold would miss most variance x2 windows of a normal feature (why it is not the default)', () => {
    const r = seededRandom(7);
    const shares = driftedShares(judge, WINDOWS, N, (f) => (f === 0 ? NUMERIC_CHANGES['variance x2'](f, r) : bed.specs[f].draw(r)));
    const psi = shares[0][methodsOf(judge.layout.slots[0]).indexOf('psi')];
    console.info(`variance x2, normal, n = ${N}: PSI >= 0.2 and noise in ${(100 * psi).toFixed(1)}% of windows`);
    // Far from the 99% target (33% to 64% in the references tried: PSI's expectation, 0.145 plus
    // sampling bias, sits below its threshold).
    expect(psi).toBeLessThan(0.9);
  });
});
