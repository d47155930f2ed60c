// reference_build.label_column: the reference's metrics on its labelled rows equal a direct
// computation on the rows; the spread is over chunks of about performance_chunk_rows rows;
// binary classifiers get a calibration map that is used when it lowers the held-out ECE.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReference } from '../../src/reference/build.js';
import { ReferenceBuildError } from '../../src/reference/errors.js';
import { csvText, makeModel, seededRandom, withTempDir } from './helpers.js';

function withLabels<T extends ReturnType<typeof makeModel>>(model: T, chunkRows = 500): T {
  return { ...model, reference_build: { ...model.reference_build, label_column: 'label', performance_chunk_rows: chunkRows } };
}

/** Binary rows: x uniform, score on 50 distinct values (so each is its own fine bin), label ~ Bernoulli(score³). */
function binaryRows(n: number, seed: number): { x: number; score: number; label: number | null }[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const score = Math.round(random() * 49 + 0.5) / 50;
    const label = random() < 0.02 ? null : random() < score ** 3 ? 1 : 0;
    return { x: random(), score, label };
  });
}

describe('reference build with label_column', () => {
  it('binary: accuracy, precision, recall, F1 and ROC AUC equal a direct computation; spread over chunks; calibration used', async () => {
    await withTempDir(async (dir) => {
      const rows = binaryRows(8000, 7);
      const path = join(dir, 'train.csv');
      await writeFile(path, csvText([['x', 'prediction', 'label'], ...rows.map((r) => [String(r.x), String(r.score), r.label === null ? '' : r.label === 1 ? 'yes' : 'no'])]));
      const model = withLabels(makeModel({ features: [{ name: 'x', type: 'numeric' }] }));
      const reference = await buildReference({ model, dataPath: path, now: new Date(0) });
      const labelled = rows.filter((r) => r.label !== null);
      let tp = 0, fp = 0, fn = 0, tn = 0;
      for (const r of labelled) {
        const predicted = r.score >= 0.5;
        if (r.label === 1) predicted ? tp++ : fn++;
        else predicted ? fp++ : tn++;
      }
      let wins = 0;
      const pos = labelled.filter((r) => r.label === 1).map((r) => r.score);
      const neg = labelled.filter((r) => r.label === 0).map((r) => r.score);
      for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
      const performance = reference.performance!;
      expect(performance.labelled_rows).toBe(labelled.length);
      expect(performance.unlabelled_rows).toBe(rows.length - labelled.length);
      expect(performance.metrics.accuracy).toBeCloseTo((tp + tn) / labelled.length, 12);
      expect(performance.metrics.precision).toBeCloseTo(tp / (tp + fp), 12);
      expect(performance.metrics.recall).toBeCloseTo(tp / (tp + fn), 12);
      expect(performance.metrics.f1).toBeCloseTo((2 * tp) / (2 * tp + fp + fn), 12);
      expect(performance.metrics.roc_auc).toBeCloseTo(wins / (pos.length * neg.length), 12);
      // 8000 rows / 500 → 16 chunks of about 490 labelled rows.
      expect(performance.chunks).toBe(16);
      expect(performance.chunk_rows).toBeCloseTo(labelled.length / 16, 9);
      const spread = performance.spread.accuracy;
      expect(spread.p05).toBeLessThan(performance.metrics.accuracy!);
      expect(spread.p95).toBeGreaterThan(performance.metrics.accuracy!);
      // Binomial sampling error at ~490 rows: sqrt(a(1−a)/490) ≈ 0.02; the chunks' std is near it.
      const a = performance.metrics.accuracy!;
      expect(spread.std / Math.sqrt((a * (1 - a)) / performance.chunk_rows)).toBeGreaterThan(0.5);
      expect(spread.std / Math.sqrt((a * (1 - a)) / performance.chunk_rows)).toBeLessThan(1.6);
      // Labels drawn from score³: badly calibrated scores, so the map is used and follows s³.
      const calibration = reference.calibration!;
      expect(calibration.used).toBe(true);
      expect(calibration.calibrated_ece!).toBeLessThan(calibration.raw_ece!);
      expect(calibration.map).toHaveLength(reference.prediction.kind === 'numeric' ? reference.prediction.fine_edges.length + 1 : 0);
    });
  });

  it('regression: MAE, RMSE and R² equal a direct computation', async () => {
    await withTempDir(async (dir) => {
      const random = seededRandom(3);
      const rows = Array.from({ length: 3000 }, () => {
        const y = random() * 10;
        return { x: random(), y, prediction: y + (random() - 0.5) * 2 };
      });
      const path = join(dir, 'train.jsonl');
      await writeFile(path, rows.map((r) => JSON.stringify({ x: r.x, prediction: r.prediction, label: r.y })).join('\n') + '\n');
      const model = withLabels(makeModel({ task: 'regression', features: [{ name: 'x', type: 'numeric' }] }));
      const reference = await buildReference({ model, dataPath: path, now: new Date(0) });
      const errors = rows.map((r) => r.prediction - r.y);
      const mean = rows.reduce((s, r) => s + r.y, 0) / rows.length;
      const sse = errors.reduce((s, e) => s + e * e, 0);
      const m = reference.performance!.metrics;
      expect(m.mae).toBeCloseTo(errors.reduce((s, e) => s + Math.abs(e), 0) / rows.length, 10);
      expect(m.rmse).toBeCloseTo(Math.sqrt(sse / rows.length), 10);
      expect(m.r2).toBeCloseTo(1 - sse / rows.reduce((s, r) => s + (r.y - mean) ** 2, 0), 9);
      expect(reference.performance!.chunks).toBe(6);
      expect(reference.calibration).toBeUndefined();
    });
  });

  it('multiclass: accuracy and macro precision, recall, F1 equal a direct computation', async () => {
    await withTempDir(async (dir) => {
      const classes = ['a', 'b', 'c'];
      const random = seededRandom(4);
      const rows = Array.from({ length: 1200 }, () => {
        const actual = Math.floor(random() * 3);
        const predicted = random() < 0.7 ? actual : Math.floor(random() * 3);
        return { x: random(), actual, predicted };
      });
      const path = join(dir, 'train.csv');
      await writeFile(path, csvText([['x', 'prediction', 'label'], ...rows.map((r) => [String(r.x), classes[r.predicted], classes[r.actual]])]));
      const model = withLabels(makeModel({ task: 'multiclass_classification', classes, features: [{ name: 'x', type: 'numeric' }] }));
      const reference = await buildReference({ model, dataPath: path, now: new Date(0) });
      const m = reference.performance!.metrics;
      expect(m.accuracy).toBeCloseTo(rows.filter((r) => r.actual === r.predicted).length / rows.length, 12);
      const per = classes.map((_, k) => {
        const tp = rows.filter((r) => r.actual === k && r.predicted === k).length;
        const predicted = rows.filter((r) => r.predicted === k).length;
        const actual = rows.filter((r) => r.actual === k).length;
        return { p: tp / predicted, r: tp / actual, f: (2 * tp) / (predicted + actual) };
      });
      expect(m.precision).toBeCloseTo(per.reduce((s, v) => s + v.p, 0) / 3, 12);
      expect(m.recall).toBeCloseTo(per.reduce((s, v) => s + v.r, 0) / 3, 12);
      expect(m.f1).toBeCloseTo(per.reduce((s, v) => s + v.f, 0) / 3, 12);
    });
  });

  it('refuses a label column without one valid label, naming the values it expects', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'train.csv');
      await writeFile(path, csvText([['x', 'prediction', 'label'], ['1', '0.2', 'maybe'], ['2', '0.7', '']]));
      const model = withLabels(makeModel({ features: [{ name: 'x', type: 'numeric' }] }));
      const failure = buildReference({ model, dataPath: path, now: new Date(0) });
      await expect(failure).rejects.toThrow(ReferenceBuildError);
      await expect(failure).rejects.toThrow(/no valid labels.*"no", "yes", or 0\/1/);
    });
  });

  it('without label_column the reference has neither performance nor calibration (as before)', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'train.csv');
      await writeFile(path, csvText([['x', 'prediction'], ['1', '0.2'], ['2', '0.7']]));
      const reference = await buildReference({ model: makeModel({ features: [{ name: 'x', type: 'numeric' }] }), dataPath: path, now: new Date(0) });
      expect(reference.performance).toBeUndefined();
      expect(reference.calibration).toBeUndefined();
    });
  });
});
