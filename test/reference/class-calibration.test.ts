// The per-class (one-vs-rest) calibration of a multiclass reference: on an over-confident
// model each class's isotonic map is used and lowers the ECE on fresh data from the same world
// (not the reference's own folds); on a calibrated model the gate keeps the raw score where the
// map does not help, and whatever it picks is about as good as the raw score on fresh data.
// The reference file keeps the calibration through a write and a load (checksum, validation).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReference, writeReference } from '../../src/reference/io.js';
import { referenceProblems } from '../../src/reference/structure.js';
import type { ClassScoreCalibration } from '../../src/reference/types.js';
import { seededRandom } from '../../src/reference/seeded-random.js';
import { binIndex } from '../../src/stats/bins.js';
import { CLASSES, draw, modelScores, multiclassSetup, sampleRow, truth } from '../monitor/multiclass-world.js';
import { withTempDir } from './helpers.js';

/** ECE over 10 equal-width bins, straight from rows (p clipped to pick the bin). */
function rowEce(p: readonly number[], y: readonly number[]): number {
  const sums = Array.from({ length: 10 }, () => ({ p: 0, y: 0, n: 0 }));
  p.forEach((v, i) => {
    const b = Math.min(9, Math.max(0, Math.floor(v * 10)));
    sums[b].p += v;
    sums[b].y += y[i];
    sums[b].n++;
  });
  return sums.reduce((s, b) => s + Math.abs(b.p - b.y), 0) / p.length;
}

/** Per class, the ECE on 20 000 fresh rows of the raw score and of the class's map. */
function freshEce(classes: readonly ClassScoreCalibration[], temperature: number, seed: number): { raw: number; mapped: number }[] {
  const random = seededRandom(seed);
  const raw: number[][] = CLASSES.map(() => []);
  const mapped: number[][] = CLASSES.map(() => []);
  const positive: number[][] = CLASSES.map(() => []);
  for (let i = 0; i < 20_000; i++) {
    const row = sampleRow(random, 0);
    const scores = modelScores(row, temperature);
    const label = draw(truth(row), random());
    classes.forEach((c, k) => {
      raw[k].push(scores[k]);
      mapped[k].push(c.map[binIndex(c.edges, scores[k])]);
      positive[k].push(label === k ? 1 : 0);
    });
  }
  return classes.map((_, k) => ({ raw: rowEce(raw[k], positive[k]), mapped: rowEce(mapped[k], positive[k]) }));
}

describe('per-class calibration of a multiclass reference', () => {
  it('an over-confident model: every class calibrated, held-out ECE lowered on fresh data', async () => {
    await withTempDir(async (dir) => {
      const { reference } = await multiclassSetup(dir, { temperature: 0.5 });
      const calibration = reference.class_calibration!;
      expect(calibration.rows).toBe(reference.performance!.labelled_rows);
      expect(calibration.classes.map((c) => [c.class, c.column])).toEqual([['cat', 'p_cat'], ['dog', 'p_dog'], ['fox', 'p_fox']]);
      const fresh = freshEce(calibration.classes, 0.5, 77);
      console.log('over-confident, per class ECE (folds raw/isotonic; fresh raw/isotonic):', JSON.stringify(calibration.classes.map((c, k) => [c.raw_ece, c.calibrated_ece, fresh[k].raw, fresh[k].mapped].map((v) => v!.toFixed(4)))));
      for (const [k, c] of calibration.classes.entries()) {
        expect(c.used).toBe(true);
        expect(c.calibrated_ece!).toBeLessThan(c.raw_ece! / 2);
        expect(fresh[k].mapped).toBeLessThan(fresh[k].raw / 2);
        expect(c.map.length).toBe(c.edges.length + 1);
        for (let b = 1; b < c.map.length; b++) expect(c.map[b]).toBeGreaterThanOrEqual(c.map[b - 1]); // isotonic
      }
      // Through the file: written with its checksum, validated and loaded unchanged.
      const path = join(dir, 'reference.json');
      await writeReference(path, reference);
      const loaded = await loadReference(path);
      expect(loaded.class_calibration).toEqual(calibration);
      expect(referenceProblems(loaded)).toEqual([]);
      // A hand-edited calibration that the lookups could not use is a reference problem, by path.
      const [cat, ...rest] = calibration.classes;
      const broken = { ...loaded, class_calibration: { ...calibration, classes: [{ ...cat, map: cat.map.slice(1) }, ...rest] } };
      expect(referenceProblems(broken)).toEqual([`class_calibration.classes[0].map: expected ${cat.edges.length + 1} probabilities in [0, 1], one per score bin`]);
    });
  });

  it('a calibrated model: the map is used only when it lowers the held-out ECE, and never costs more than 0.01 on fresh data', async () => {
    let keptRaw = 0;
    for (const seed of [1, 2, 3, 4]) {
      await withTempDir(async (dir) => {
        const { reference } = await multiclassSetup(dir, { temperature: 1, rows: 10_000, seed });
        const classes = reference.class_calibration!.classes;
        const fresh = freshEce(classes, 1, 100 + seed);
        for (const [k, c] of classes.entries()) {
          expect(c.used).toBe(c.calibrated_ece! < c.raw_ece!);
          if (!c.used) keptRaw++;
          const chosen = c.used ? fresh[k].mapped : fresh[k].raw;
          expect(chosen).toBeLessThan(fresh[k].raw + 0.01);
        }
      });
    }
    console.log(`calibrated scores: the raw score kept for ${keptRaw} of 12 classes`);
    expect(keptRaw).toBeGreaterThan(0);
  });
});
