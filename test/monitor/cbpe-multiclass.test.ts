// Multiclass CBPE (one-vs-rest) through the real hot path, on a known world
// (multiclass-world.ts): the per-class expected counters against an exact computation on the
// raw events (Σ of the normalised calibrated probabilities, from the reference file's own
// edges and maps), and the label-free accuracy against the realised accuracy of labels drawn
// from the true P(y | x) over many windows under covariate shift.
import { describe, expect, it } from 'vitest';
import { windowEstimator } from '../../src/monitor/cbpe-estimate.js';
import { E_FN, E_FP, E_TN, E_TP, EXPECTED_COUNTS } from '../../src/monitor/cbpe-layout.js';
import { Fleet } from '../../src/monitor/fleet.js';
import type { Reference } from '../../src/reference/types.js';
import { seededRandom } from '../../src/reference/seeded-random.js';
import { binIndex } from '../../src/stats/bins.js';
import { withTempDir } from '../reference/helpers.js';
import { CLASSES, argmax, draw, modelScores, multiclassSetup, sampleRow, truth } from './multiclass-world.js';

const OVER_CONFIDENT = 0.5;

/** The oracle: per class the reference's map at the score's bin (or the clipped score), normalised. */
function calibratedProbabilities(reference: Reference, scores: readonly number[]): number[] {
  const classes = reference.class_calibration!.classes;
  const p = classes.map((c, k) => (c.used ? c.map[binIndex(c.edges, scores[k])] : Math.min(1, Math.max(0, scores[k]))));
  const sum = p.reduce((s, v) => s + v, 0);
  return p.map((v) => v / sum);
}

describe('multiclass CBPE on the hot path', () => {
  it('per-class expected TP/FP/FN/TN equal the exact sums of the normalised calibrated probabilities (1e-9)', async () => {
    await withTempDir(async (dir) => {
      const { config, reference } = await multiclassSetup(dir, { temperature: OVER_CONFIDENT });
      expect(reference.class_calibration?.classes.map((c) => c.used)).toEqual([true, true, true]);
      const fleet = new Fleet(config, new Map([['animals', reference]]), () => 0);
      const monitor = fleet.models[0].monitor;
      const layout = monitor.layout;
      const random = seededRandom(11);
      const exact = new Float64Array(CLASSES.length * EXPECTED_COUNTS);
      let n = 0;
      for (let i = 0; i < 3000; i++) {
        const row = sampleRow(random, 0.5);
        const scores = modelScores(row, OVER_CONFIDENT);
        const features = { x1: row.x1, x2: row.x2, region: row.region };
        const variant = i % 3 === 0 ? 'canary' : 'champion';
        // Scores as an array, by class name, with a label that is not the argmax; a label alone has no estimate.
        const kind = i % 4;
        const labelled = kind === 2 ? CLASSES[(argmax(scores) + 1) % 3] : undefined;
        const prediction =
          i % 50 === 0
            ? { label: 'dog' }
            : kind === 1
              ? { scores: Object.fromEntries(CLASSES.map((c, k) => [c, scores[k]])) }
              : { scores, ...(labelled === undefined ? {} : { label: labelled }) };
        expect(monitor.record({ features, prediction, variant })).toBeNull();
        if (i % 50 === 0) continue;
        const predicted = labelled === undefined ? argmax(scores) : CLASSES.indexOf(labelled);
        const p = calibratedProbabilities(reference, scores);
        n++;
        for (let k = 0; k < CLASSES.length; k++) {
          const at = k * EXPECTED_COUNTS;
          if (k === predicted) {
            exact[at + E_TP] += p[k];
            exact[at + E_FP] += 1 - p[k];
          } else {
            exact[at + E_FN] += p[k];
            exact[at + E_TN] += 1 - p[k];
          }
        }
      }
      const whole = monitor.state.model;
      for (let i = 0; i < exact.length; i++) expect(Math.abs(whole.expectedCount(i) - exact[i])).toBeLessThan(1e-9);
      // One-vs-rest identities: every class's four counts add up to n; Σ TP + FP over classes is n too.
      for (let k = 0; k < CLASSES.length; k++) {
        let total = 0;
        for (let o = 0; o < EXPECTED_COUNTS; o++) total += whole.expectedCount(k * EXPECTED_COUNTS + o);
        expect(total).toBeCloseTo(n, 8);
      }
      // Summable: the variants' cells add up to the model, and so do the segment values' cells.
      const cells = monitor.state.cells;
      const index = monitor.state.index;
      const variants = index.variantNames.map((_, v) => cells[index.variantCell(v)].expectedCount(E_TP));
      expect(variants.reduce((s, v) => s + v, 0)).toBeCloseTo(exact[E_TP], 8);

      // The window estimate: accuracy Σ_k TP_k / n, macro precision, recall, F1 over the classes.
      const window = new Float64Array(layout.windowWidth);
      whole.sumWindowInto(window);
      const estimate = windowEstimator(layout, layout.cbpe!).estimate(window);
      expect(estimate.n).toBeCloseTo(n, 8);
      const tp = (k: number) => exact[k * EXPECTED_COUNTS + E_TP];
      const fp = (k: number) => exact[k * EXPECTED_COUNTS + E_FP];
      const fn = (k: number) => exact[k * EXPECTED_COUNTS + E_FN];
      const ks = [0, 1, 2];
      expect(estimate.value.accuracy).toBeCloseTo(ks.reduce((s, k) => s + tp(k), 0) / n, 10);
      expect(estimate.value.precision).toBeCloseTo(ks.reduce((s, k) => s + tp(k) / (tp(k) + fp(k)), 0) / 3, 10);
      expect(estimate.value.recall).toBeCloseTo(ks.reduce((s, k) => s + tp(k) / (tp(k) + fn(k)), 0) / 3, 10);
      expect(estimate.value.f1).toBeCloseTo(ks.reduce((s, k) => s + (2 * tp(k)) / (2 * tp(k) + fp(k) + fn(k)), 0) / 3, 10);
      expect(Number.isNaN(estimate.value.roc_auc)).toBe(true);
      const spread = reference.performance!.spread.accuracy;
      expect(estimate.band.accuracy).toBeCloseTo(3 * spread.std * Math.sqrt(reference.performance!.chunk_rows / n), 12);
    });
  });

  it('tracks the realised accuracy under covariate shift before any label: 48 windows of 500 predictions', async () => {
    await withTempDir(async (dir) => {
      const { config, reference } = await multiclassSetup(dir, { temperature: OVER_CONFIDENT });
      let now = 0;
      const fleet = new Fleet(config, new Map([['animals', reference]]), () => now);
      const monitor = fleet.models[0].monitor;
      const layout = monitor.layout;
      const estimator = windowEstimator(layout, layout.cbpe!);
      const window = new Float64Array(layout.windowWidth);
      const random = seededRandom(7);
      const errors: number[] = [];
      const rawErrors: number[] = [];
      const realisedRange = [Infinity, -Infinity];
      let inBand = 0;
      const windows = 48;
      for (let w = 0; w < windows; w++) {
        const shift = (2 * w) / (windows - 1);
        now += 7_200_000; // a fresh window
        monitor.state.advance(now);
        let correct = 0;
        let rawExpected = 0;
        for (let i = 0; i < 500; i++) {
          const row = sampleRow(random, shift);
          const scores = modelScores(row, OVER_CONFIDENT);
          expect(monitor.record({ features: { x1: row.x1, x2: row.x2, region: row.region }, prediction: { scores } })).toBeNull();
          const predicted = argmax(scores);
          if (draw(truth(row), random()) === predicted) correct++;
          rawExpected += scores[predicted];
        }
        monitor.state.model.sumWindowInto(window);
        const estimate = estimator.estimate(window);
        const realised = correct / 500;
        realisedRange[0] = Math.min(realisedRange[0], realised);
        realisedRange[1] = Math.max(realisedRange[1], realised);
        errors.push(estimate.value.accuracy - realised);
        rawErrors.push(rawExpected / 500 - realised);
        if (Math.abs(estimate.value.accuracy - realised) <= estimate.band.accuracy) inBand++;
      }
      const absolute = errors.map(Math.abs).sort((a, b) => a - b);
      const mean = errors.reduce((s, e) => s + e, 0) / windows;
      const rawMean = rawErrors.reduce((s, e) => s + e, 0) / windows;
      const report = {
        realisedAccuracy: realisedRange.map((v) => v.toFixed(3)),
        meanError: mean.toFixed(4),
        medianAbsError: absolute[Math.floor(windows / 2)].toFixed(4),
        p90AbsError: absolute[Math.floor(windows * 0.9)].toFixed(4),
        maxAbsError: absolute[windows - 1].toFixed(4),
        withinBand: `${inBand}/${windows}`,
        uncalibratedMeanError: rawMean.toFixed(4),
      };
      console.log('multiclass CBPE vs realised accuracy, 48 windows of 500:', JSON.stringify(report));
      // Binomial SE of a 500-prediction accuracy is about 0.02.
      expect(realisedRange[1] - realisedRange[0]).toBeGreaterThan(0.05);
      expect(Math.abs(mean)).toBeLessThan(0.01);
      expect(absolute[Math.floor(windows * 0.9)]).toBeLessThan(0.04);
      expect(absolute[windows - 1]).toBeLessThan(0.06);
      expect(inBand / windows).toBeGreaterThan(0.9);
      // The over-confident raw scores alone would over-state the accuracy: calibration is what makes it track.
      expect(rawMean).toBeGreaterThan(0.05);
    });
  });

  it('window_time event: an event older than the window adds to the cumulative counters only, as its bins do', async () => {
    await withTempDir(async (dir) => {
      const { config, reference } = await multiclassSetup(dir, { temperature: OVER_CONFIDENT, rows: 4000 });
      const model = config.models[0];
      model.drift = { ...model.drift, window_time: 'event' };
      const now = Date.parse('2026-12-01T10:00:00Z');
      const fleet = new Fleet(config, new Map([['animals', reference]]), () => now);
      const monitor = fleet.models[0].monitor;
      const random = seededRandom(5);
      for (let i = 0; i < 400; i++) {
        const row = sampleRow(random, 0);
        const timestamp = (i % 4 === 0 ? now - 3 * 3_600_000 : now - 60_000) / 1000;
        expect(monitor.record({ timestamp, features: { ...row }, prediction: { scores: modelScores(row, OVER_CONFIDENT) } })).toBeNull();
      }
      const whole = monitor.state.model;
      let cumulative = 0;
      for (let k = 0; k < CLASSES.length; k++) cumulative += whole.expectedCount(k * EXPECTED_COUNTS + E_TP) + whole.expectedCount(k * EXPECTED_COUNTS + E_FP);
      expect(cumulative).toBeCloseTo(400, 8);
      const window = new Float64Array(monitor.layout.windowWidth);
      whole.sumWindowInto(window);
      expect(windowEstimator(monitor.layout, monitor.layout.cbpe!).estimate(window).n).toBeCloseTo(300, 8);
    });
  });
});
