// Calibration of a binary classifier's scores on the reference, and the decision whether to
// use it (as NannyML's CBPE does): the isotonic map is used only when it lowers the expected
// calibration error (ECE) on held-out reference splits.
//
// The data are grouped by score bin (the prediction's fine bins, so the map is a lookup by
// the bin an event already falls in): per bin the rows and the positives among them. The map
// is therefore isotonic regression constrained to be constant within a score bin.
//
// ECE = Σ_b (n_b / N) · |mean predicted probability in b − share of positives in b|
//     = Σ_b |Σ_{rows in b} p − positives in b| / N,
// over ECE_BINS equal-width bins of the predicted probability on [0, 1] (clipped).
import { isotonicFit } from './isotonic.js';

export const ECE_BINS = 10;

/** The ECE bin of a probability: equal-width on [0, 1], values outside clipped. NaN → bin 0. */
export function eceBin(p: number): number {
  if (!(p > 0)) return 0;
  if (p >= 1) return ECE_BINS - 1;
  return Math.min(ECE_BINS - 1, Math.floor(p * ECE_BINS));
}

/** Accumulated per ECE bin: Σ p, positives, rows. */
export interface EceTally {
  predicted: Float64Array;
  positives: Float64Array;
  rows: Float64Array;
}

export function emptyEceTally(): EceTally {
  return { predicted: new Float64Array(ECE_BINS), positives: new Float64Array(ECE_BINS), rows: new Float64Array(ECE_BINS) };
}

/** Adds `rows` rows of predicted probability `p`, `positives` of them positive. */
export function addToEceTally(tally: EceTally, p: number, positives: number, rows: number): void {
  const b = eceBin(p);
  tally.predicted[b] += rows * p;
  tally.positives[b] += positives;
  tally.rows[b] += rows;
}

/** The ECE of a tally (NaN when it holds no rows). */
export function expectedCalibrationError(tally: EceTally): number {
  let total = 0;
  let gap = 0;
  for (let b = 0; b < ECE_BINS; b++) {
    total += tally.rows[b];
    gap += Math.abs(tally.predicted[b] - tally.positives[b]);
  }
  return total > 0 ? gap / total : Number.NaN;
}

/**
 * The isotonic calibration map over score bins: the fitted share of positives per bin.
 * A bin without rows takes the value of the nearest bin below that has rows (the map stays
 * non-decreasing), or above when none is below; all-empty gives NaN everywhere.
 */
export function calibrationMap(rows: ArrayLike<number>, positives: ArrayLike<number>): Float64Array {
  const bins = rows.length;
  const used: number[] = [];
  for (let i = 0; i < bins; i++) if (rows[i] > 0) used.push(i);
  const map = new Float64Array(bins).fill(Number.NaN);
  if (used.length === 0) return map;
  const fitted = isotonicFit(
    used.map((i) => positives[i] / rows[i]),
    used.map((i) => rows[i]),
  );
  let next = 0;
  for (let i = 0; i < bins; i++) {
    while (next + 1 < used.length && used[next + 1] <= i) next++;
    map[i] = fitted[used[next] <= i ? next : 0];
  }
  return map;
}

/** One held-out split of the reference: per score bin its rows and positives, and the raw scores' ECE tally. */
export interface CalibrationFold {
  rows: Float64Array;
  positives: Float64Array;
  raw: EceTally;
}

export interface CalibrationDecision {
  /** Mean ECE over the held-out folds of the raw scores, and of the map fitted on the other folds. */
  rawEce: number;
  calibratedEce: number;
  /** Calibration lowers the held-out ECE: use the map. */
  use: boolean;
  /** The map fitted on every fold (stored even when unused, for inspection). */
  map: Float64Array;
}

/**
 * Fits the map on all folds but one, measures both ECEs on the one held out, for each fold;
 * calibration is used when the mean calibrated ECE is below the mean raw ECE. Folds with no
 * rows are skipped; with fewer than two non-empty folds there is nothing held out and the map
 * is not used.
 */
export function decideCalibration(folds: readonly CalibrationFold[]): CalibrationDecision {
  const bins = folds.length > 0 ? folds[0].rows.length : 0;
  const allRows = new Float64Array(bins);
  const allPositives = new Float64Array(bins);
  for (const fold of folds) {
    for (let i = 0; i < bins; i++) {
      allRows[i] += fold.rows[i];
      allPositives[i] += fold.positives[i];
    }
  }
  const map = calibrationMap(allRows, allPositives);
  const nonEmpty = folds.filter((fold) => fold.rows.some((r) => r > 0));
  if (nonEmpty.length < 2) return { rawEce: Number.NaN, calibratedEce: Number.NaN, use: false, map };

  let rawSum = 0;
  let calibratedSum = 0;
  const trainRows = new Float64Array(bins);
  const trainPositives = new Float64Array(bins);
  for (const held of nonEmpty) {
    for (let i = 0; i < bins; i++) {
      trainRows[i] = allRows[i] - held.rows[i];
      trainPositives[i] = allPositives[i] - held.positives[i];
    }
    const foldMap = calibrationMap(trainRows, trainPositives);
    const calibrated = emptyEceTally();
    for (let i = 0; i < bins; i++) {
      if (held.rows[i] > 0) addToEceTally(calibrated, foldMap[i], held.positives[i], held.rows[i]);
    }
    rawSum += expectedCalibrationError(held.raw);
    calibratedSum += expectedCalibrationError(calibrated);
  }
  const rawEce = rawSum / nonEmpty.length;
  const calibratedEce = calibratedSum / nonEmpty.length;
  return { rawEce, calibratedEce, use: calibratedEce < rawEce, map };
}
