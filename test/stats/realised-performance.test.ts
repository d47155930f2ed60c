// Realised performance proven against exact computations on the raw rows: predictions with
// ids and their labels go through the real monitor and join; the counters it keeps give the
// same confusion, accuracy, precision, recall, F1, MAE, RMSE and R² as the raw data (1e-12),
// and an AUC equal to the exact AUC of the binned scores (1e-12) and within 0.02 of the exact
// AUC of the raw scores (the reference's 10 equal-frequency bins plus one below and one above:
// 0.0047 measured on the continuous case, printed). Data:
// continuous scores, tie-heavy scores (3 distinct values) and a 3-class confusion matrix.
import { describe, expect, it } from 'vitest';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { scoreBinIndex, scoreBinOf, regressionIndex, REGRESSION_COUNT } from '../../src/monitor/labels/performance-layout.js';
import { binnedRocAuc, classificationScores, regressionScores } from '../../src/stats/realised-performance.js';
import { testModel, testReference } from '../support/synthetic-reference.js';
import { accuracy, classScores, exactAuc, exactRegression } from './performance-oracle.js';
import { normal, seededRandom } from './random.js';

const N = 3000;

function binaryRun(draw: (random: () => number, positive: boolean) => number, seed: number) {
  const model = testModel({ label_ttl_seconds: 3600, max_pending_labels: 10_000 });
  const monitor = new ModelMonitor(model, testReference(model), [0.1], 0);
  const random = seededRandom(seed);
  const scores: number[] = [];
  const positive: boolean[] = [];
  for (let i = 0; i < N; i++) {
    const isPositive = random() < 0.4;
    const score = draw(random, isPositive);
    scores.push(score);
    positive.push(isPositive);
    expect(monitor.record({ id: `r${i}`, features: { price: 100, country: 'DE', returning: false }, prediction: { score } })).toBeNull();
  }
  // Labels in another order than the predictions, as they arrive in life.
  for (let i = N - 1; i >= 0; i--) monitor.state.labels.recordLabel({ id: `r${i}`, label: positive[i] ? 'yes' : 'no' }, 1000);
  return { monitor, scores, positive, labels: monitor.state.labels };
}

describe('realised performance from joined labels', () => {
  for (const [name, draw] of [
    ['continuous scores', (r: () => number, p: boolean) => Math.min(1, Math.max(0, normal(r, p ? 0.65 : 0.4, 0.18)))],
    ['tie-heavy scores', (r: () => number, p: boolean) => [0.2, 0.5, 0.8][Math.min(2, Math.floor(r() * 2 + (p ? 1 : 0)))]],
  ] as const) {
    it(`binary, ${name}: confusion scores and AUC match the raw rows`, () => {
      const { scores, positive, labels } = binaryRun(draw, name.length);
      expect(labels.store.joined).toBe(N);
      const p = labels.performanceLayout;
      const totals = labels.cells[0].totals;
      const actual = positive.map((x) => (x ? 1 : 0));
      const predicted = scores.map((s) => (s >= 0.5 ? 1 : 0));
      const got = classificationScores(totals, p.classes, p.predicted, p.positive);
      const want = classScores(actual, predicted, 1);
      expect(got.accuracy).toBeCloseTo(accuracy(actual, predicted), 12);
      expect(got.precision).toBeCloseTo(want.precision, 12);
      expect(got.recall).toBeCloseTo(want.recall, 12);
      expect(got.f1).toBeCloseTo(want.f1, 12);
      const bins = p.scoreUpper.length;
      const negatives = Array.from({ length: bins }, (_, b) => totals[scoreBinIndex(p, b, 0)]);
      const positives = Array.from({ length: bins }, (_, b) => totals[scoreBinIndex(p, b, 1)]);
      const auc = binnedRocAuc(negatives, positives);
      const binned = scores.map((s) => scoreBinOf(p, s));
      expect(auc).toBeCloseTo(exactAuc(binned, positive), 12);
      const raw = exactAuc(scores, positive);
      console.log(`${name}: AUC from ${bins} score bins ${auc.toFixed(4)}, exact on raw scores ${raw.toFixed(4)}`);
      expect(Math.abs(auc - raw)).toBeLessThanOrEqual(0.02);
    });
  }

  it('multiclass: accuracy and macro precision, recall and F1 match the raw rows', () => {
    const random = seededRandom(11);
    const classes = 3;
    const width = classes + 1;
    const counts = new Float64Array(classes * width);
    const actual: number[] = [];
    const predicted: number[] = [];
    for (let i = 0; i < N; i++) {
      const a = Math.floor(random() * classes);
      // Mostly right, sometimes another class, now and then __other__ (index 3: always wrong).
      const u = random();
      const p = u < 0.7 ? a : u < 0.97 ? Math.floor(random() * classes) : classes;
      actual.push(a);
      predicted.push(p);
      counts[a * width + p]++;
    }
    const got = classificationScores(counts, classes, width, -1);
    const per = [0, 1, 2].map((c) => classScores(actual, predicted, c));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(got.accuracy).toBeCloseTo(accuracy(actual, predicted), 12);
    expect(got.precision).toBeCloseTo(mean(per.map((s) => s.precision)), 12);
    expect(got.recall).toBeCloseTo(mean(per.map((s) => s.recall)), 12);
    expect(got.f1).toBeCloseTo(mean(per.map((s) => s.f1)), 12);
  });

  it('regression: MAE, RMSE and R² from the sums match the raw rows', () => {
    const model = testModel({ task: 'regression', classes: [], label_ttl_seconds: 3600, max_pending_labels: 10_000 });
    const monitor = new ModelMonitor(model, testReference(model), [0.1], 0);
    const random = seededRandom(5);
    const y: number[] = [];
    const prediction: number[] = [];
    for (let i = 0; i < N; i++) {
      // Labels of both signs, and discrete ones (integers) half the time: ties and negatives.
      const label = i % 2 === 0 ? normal(random, -3, 10) : Math.round(normal(random, 5, 4));
      const value = label + normal(random, 0.5, 2);
      y.push(label);
      prediction.push(value);
      monitor.record({ id: i, features: { price: 100, country: 'DE', returning: false }, prediction: value });
      monitor.state.labels.recordLabel({ id: String(i), label }, 0);
    }
    const labels = monitor.state.labels;
    const p = labels.performanceLayout;
    const t = labels.cells[0].totals;
    expect(t[regressionIndex(p, REGRESSION_COUNT)]).toBe(N);
    const got = regressionScores({ count: t[0], absError: t[1], squaredError: t[2], labelSum: t[3] - t[4], labelSquaredSum: t[5] });
    const want = exactRegression(y, prediction);
    expect(got.mae).toBeCloseTo(want.mae, 10);
    expect(got.rmse).toBeCloseTo(want.rmse, 10);
    expect(got.r2).toBeCloseTo(want.r2, 10);
  });
});
