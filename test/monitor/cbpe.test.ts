// CBPE through the real hot path: a reference built with labels (isotonic calibration used),
// events recorded by the model monitor, the expected confusion counters and the window estimate
// compared with exact computations on the raw events; and on the demo's credit model under a
// covariate-shift schedule, the label-free estimate against the realised accuracy of labels
// drawn from the true probability, over many windows.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import type { ModelConfig } from '../../src/config/types.js';
import { approvalScore, sampleApplication } from '../../src/demo/credit-model.js';
import { Prng } from '../../src/demo/prng.js';
import { DEFAULT_SCHEDULE } from '../../src/demo/schedule.js';
import { CSV_COLUMNS, csvLine, trainingRows } from '../../src/demo/training-data.js';
import { TrafficGenerator } from '../../src/demo/traffic.js';
import { windowEstimator } from '../../src/monitor/cbpe-estimate.js';
import { E_FN, E_FP, E_TN, E_TP } from '../../src/monitor/cbpe-layout.js';
import { Fleet } from '../../src/monitor/fleet.js';
import { buildReference } from '../../src/reference/build.js';
import type { Reference } from '../../src/reference/types.js';
import { binIndex } from '../../src/stats/bins.js';
import { withTempDir } from '../reference/helpers.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'credit', 'mlwatch.yaml');

/** The true P(approved | application): a function of the model's score, which is over-confident. */
function truth(score: number): number {
  const p = Math.min(Math.max(score, 1e-9), 1 - 1e-9);
  return 1 / (1 + Math.exp(-(0.6 * Math.log(p / (1 - p)) + 0.2)));
}

async function labelledSetup(dir: string): Promise<{ model: ModelConfig; reference: Reference; config: Awaited<ReturnType<typeof loadConfig>> }> {
  const config = await loadConfig(EXAMPLE);
  const model = config.models[0];
  model.reference_build = { ...model.reference_build, label_column: 'label', performance_chunk_rows: 500 };
  // Training rows of the demo, labelled from the true probability.
  const labels = new Prng(99);
  const lines = [[...CSV_COLUMNS, 'label'].join(',')];
  for (const row of trainingRows(20_261_120, 10_000)) lines.push(`${csvLine(row)},${labels.next() < truth(row.prediction) ? 'approved' : 'rejected'}`);
  const path = join(dir, 'train.csv');
  await writeFile(path, `${lines.join('\n')}\n`);
  const reference = { ...(await buildReference({ model, dataPath: path, now: new Date(0) })), checksum: '' };
  return { model, reference, config };
}

describe('CBPE on the hot path', () => {
  it('expected TP/FP/FN/TN equal Σ p̂ and Σ (1 − p̂) over the predicted classes, exactly; the window AUC the exact expected AUC', async () => {
    await withTempDir(async (dir) => {
      const { model, reference, config } = await labelledSetup(dir);
      expect(reference.calibration?.used).toBe(true);
      const fleet = new Fleet(config, new Map([[model.name, reference]]), () => 0);
      const monitor = fleet.models[0].monitor;
      const layout = monitor.layout;
      const map = reference.calibration!.map;
      const edges = reference.prediction.kind === 'numeric' ? reference.prediction.fine_edges : [];
      const prng = new Prng(5);
      const exact = [0, 0, 0, 0];
      const perEvent: { bin: number; p: number }[] = [];
      for (let i = 0; i < 3000; i++) {
        const application = sampleApplication(prng);
        const score = approvalScore(application);
        const event = i % 50 === 0 ? { features: application, prediction: { label: 'approved' } } : { features: application, prediction: { score }, variant: i % 3 === 0 ? 'canary' : 'champion' };
        expect(monitor.record(event)).toBeNull();
        if (i % 50 === 0) continue; // a label alone has no probability
        const bin = binIndex(edges, score);
        const p = map[bin];
        perEvent.push({ bin, p });
        if (score >= model.prediction.decision_threshold) {
          exact[E_TP] += p;
          exact[E_FP] += 1 - p;
        } else {
          exact[E_FN] += p;
          exact[E_TN] += 1 - p;
        }
      }
      const whole = monitor.state.model;
      for (const k of [E_TP, E_FP, E_FN, E_TN]) expect(whole.expectedCount(k)).toBeCloseTo(exact[k], 8);
      // Summable: the variants' cells add up to the model.
      const cells = monitor.state.cells;
      const index = monitor.state.index;
      const variants = index.variantNames.map((_, v) => cells[index.variantCell(v)].expectedCount(E_TP));
      expect(variants.reduce((s, v) => s + v, 0)).toBeCloseTo(exact[E_TP], 8);

      const window = new Float64Array(layout.windowWidth);
      whole.sumWindowInto(window);
      const estimate = windowEstimator(layout, layout.cbpe!).estimate(window);
      const n = perEvent.length;
      expect(estimate.n).toBeCloseTo(n, 8);
      expect(estimate.value.accuracy).toBeCloseTo((exact[E_TP] + exact[E_TN]) / n, 10);
      expect(estimate.value.precision).toBeCloseTo(exact[E_TP] / (exact[E_TP] + exact[E_FP]), 10);
      expect(estimate.value.recall).toBeCloseTo(exact[E_TP] / (exact[E_TP] + exact[E_FN]), 10);
      // Exact expected AUC over distinct pairs: Σ_{i≠j} p_i (1 − p_j) [bin_i > bin_j, ½ if equal] / Σ_{i≠j} p_i (1 − p_j).
      let wins = 0;
      let pairs = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (i === j) continue;
          const w = perEvent[i].p * (1 - perEvent[j].p);
          pairs += w;
          wins += perEvent[i].bin > perEvent[j].bin ? w : perEvent[i].bin === perEvent[j].bin ? w / 2 : 0;
        }
      }
      // The binned estimate also pairs each prediction with itself (half a win): at n = 2940 that moves it by < 1e-3.
      expect(Math.abs(estimate.value.roc_auc - wins / pairs)).toBeLessThan(1e-3);
      // The band: 3 SE from the reference's chunk spread at n.
      const spread = reference.performance!.spread.accuracy;
      expect(estimate.band.accuracy).toBeCloseTo(3 * spread.std * Math.sqrt(reference.performance!.chunk_rows / n), 12);
    });
  });

  it('window_time event: an event older than the window adds to the cumulative counts only; an earlier sub-window keeps its own', async () => {
    await withTempDir(async (dir) => {
      const { model, reference, config } = await labelledSetup(dir);
      config.models[0].drift = { ...config.models[0].drift, window_time: 'event' };
      const now = Date.parse('2026-12-01T10:00:00Z');
      const fleet = new Fleet(config, new Map([[model.name, reference]]), () => now);
      const monitor = fleet.models[0].monitor;
      const layout = monitor.layout;
      const subWindowMs = (model.drift.window_seconds * 1000) / model.drift.sub_windows;
      const prng = new Prng(8);
      // A quarter far older than the window, a quarter one sub-window back, the rest now.
      for (let i = 0; i < 400; i++) {
        const features = sampleApplication(prng);
        const at = i % 4 === 0 ? now - 10 * model.drift.window_seconds * 1000 : i % 4 === 1 ? now - subWindowMs : now;
        expect(monitor.record({ timestamp: at / 1000, features, prediction: { score: approvalScore(features) } })).toBeNull();
      }
      const whole = monitor.state.model;
      const cumulative = whole.expectedCount(E_TP) + whole.expectedCount(E_FP) + whole.expectedCount(E_FN) + whole.expectedCount(E_TN);
      expect(cumulative).toBeCloseTo(400, 8);
      const window = new Float64Array(layout.windowWidth);
      whole.sumWindowInto(window);
      expect(windowEstimator(layout, layout.cbpe!).estimate(window).n).toBeCloseTo(300, 8);
      // The earlier sub-window holds its 100 events' counts, as it holds their bins.
      const cell = monitor.state.defaultCell;
      const earlier = cell.window.subWindowFor(cell.window.currentBucket - 1)!;
      const at = layout.cbpe!.windowAt;
      expect(earlier[at + E_TP] + earlier[at + E_FP] + earlier[at + E_FN] + earlier[at + E_TN]).toBeCloseTo(100, 8);
    });
  });

  it('tracks the realised accuracy under covariate shift before any label: 48 windows of 500 predictions', async () => {
    await withTempDir(async (dir) => {
      const { model, reference, config } = await labelledSetup(dir);
      let now = 0;
      const fleet = new Fleet(config, new Map([[model.name, reference]]), () => now);
      const monitor = fleet.models[0].monitor;
      const layout = monitor.layout;
      const estimator = windowEstimator(layout, layout.cbpe!);
      const window = new Float64Array(layout.windowWidth);
      const labels = new Prng(7);
      const errors: number[] = [];
      const realisedRange = [Infinity, -Infinity];
      let inBand = 0;
      const windows = 48;
      for (let w = 0; w < windows; w++) {
        // Covariate shift of growing strength: incomes up to ×3, more missing employment, partner loans up.
        const strength = w / (windows - 1);
        const schedule = {
          ...DEFAULT_SCHEDULE,
          drift_after_seconds: 0,
          income_factor: 1 + 2 * strength,
          session_duration_divisor: 1,
          employment_null_rate: 0.03 + 0.4 * strength,
          partner_loan_factor: 1 + 2 * strength,
          fault_rate: 0,
          canary_share: 0, // the canary's shifted score is a change of P(y | score): not covariate shift
        };
        const traffic = new TrafficGenerator({ seed: 1000 + w, schedule });
        now += 3_600_000; // a fresh window
        monitor.state.advance(now);
        let correct = 0;
        for (let i = 0; i < 500; i++) {
          const event = traffic.next(60, new Date(now));
          const score = (event.prediction as { score: number }).score;
          expect(monitor.record(event)).toBeNull();
          const actual = labels.next() < truth(score);
          if (actual === score >= model.prediction.decision_threshold) correct++;
        }
        monitor.state.model.sumWindowInto(window);
        const estimate = estimator.estimate(window);
        const realised = correct / 500;
        realisedRange[0] = Math.min(realisedRange[0], realised);
        realisedRange[1] = Math.max(realisedRange[1], realised);
        errors.push(estimate.value.accuracy - realised);
        if (Math.abs(estimate.value.accuracy - realised) <= estimate.band.accuracy) inBand++;
      }
      const absolute = errors.map(Math.abs).sort((a, b) => a - b);
      const mean = errors.reduce((s, e) => s + e, 0) / windows;
      const report = {
        realisedAccuracy: realisedRange.map((v) => v.toFixed(3)),
        meanError: mean.toFixed(4),
        medianAbsError: absolute[Math.floor(windows / 2)].toFixed(4),
        p90AbsError: absolute[Math.floor(windows * 0.9)].toFixed(4),
        maxAbsError: absolute[windows - 1].toFixed(4),
        withinBand: `${inBand}/${windows}`,
      };
      console.log('CBPE vs realised accuracy, 48 windows of 500:', JSON.stringify(report));
      // The shift moves the realised accuracy; the estimate follows it within sampling error:
      // binomial SE of a 500-prediction accuracy is about 0.02.
      expect(realisedRange[1] - realisedRange[0]).toBeGreaterThan(0.05);
      expect(Math.abs(mean)).toBeLessThan(0.01);
      expect(absolute[Math.floor(windows * 0.9)]).toBeLessThan(0.04);
      expect(absolute[windows - 1]).toBeLessThan(0.06);
      expect(inBand / windows).toBeGreaterThan(0.9);
    });
  });
});
