// Where the confidence-based performance estimate (CBPE) reads its calibrated probabilities
// and writes its window counts; fixed at start-up from the reference's calibration, so an
// event only looks its probability up by a score bin. Binary classifiers: one probability,
// by the prediction's fine bin. Multiclass: one per class, by that class's score bin, with
// four counts per class (one-vs-rest). Regression: the expected |e| and e² by the prediction's
// fine bin (the reference's error map), with three counts (predictions, Σ E|e|, Σ E e²).
import type { ModelConfig } from '../config/types.js';
import type { Reference } from '../reference/types.js';
import { createBinLookup, type BinLookup } from '../stats/bin-lookup.js';
import { MC_FN, MC_FP, MC_TN, MC_TP, MULTICLASS_OUTCOMES } from '../stats/cbpe-multiclass.js';

/** Expected confusion counts, in this order, in a cell and in each drift sub-window (per class for multiclass). */
export const E_TP = MC_TP;
export const E_FP = MC_FP;
export const E_FN = MC_FN;
export const E_TN = MC_TN;
export const EXPECTED_COUNTS = MULTICLASS_OUTCOMES;
export const EXPECTED_OUTCOMES = ['tp', 'fp', 'fn', 'tn'] as const;

export interface BinaryCbpeLayout {
  kind: 'binary';
  /** Per fine bin of the prediction, the calibrated P(positive); null when the raw score is used (calibration did not lower the ECE). */
  calibrated: Float64Array | null;
  /** Position of the expected counts in a window array (after the bins and offsets). */
  windowAt: number;
  /** Expected counts in a cell and a window: EXPECTED_COUNTS. */
  counts: number;
  threshold: number;
}

export interface MulticlassCbpeLayout {
  kind: 'multiclass';
  /** The model's classes (the counts' class order). */
  classes: number;
  /** Per class, its score's bins (the reference's edges for that class). */
  lookups: BinLookup[];
  /** Per class, the calibrated P(class) per score bin; null where the raw score is used. */
  calibrated: (Float64Array | null)[];
  windowAt: number;
  /** classes × EXPECTED_COUNTS: class k's counts start at k × EXPECTED_COUNTS. */
  counts: number;
}

/** Regression: the expected error per fine bin of the prediction, three counts in this order. */
export const R_PREDICTIONS = 0;
export const R_ABSOLUTE = 1;
export const R_SQUARED = 2;
export const REGRESSION_COUNTS = 3;

export interface RegressionErrorLayout {
  kind: 'regression';
  /** Per fine bin of the prediction: the reference's expected |e| and e² there. */
  absolute: Float64Array;
  squared: Float64Array;
  windowAt: number;
  counts: number;
}

export type CbpeLayout = BinaryCbpeLayout | MulticlassCbpeLayout | RegressionErrorLayout;

/** Classifiers whose reference carries a calibration (built with label_column, and score_columns for multiclass); else null: CBPE off. */
export function buildCbpeLayout(model: ModelConfig, reference: Reference, predictionBins: number, windowAt: number): CbpeLayout | null {
  if (model.task === 'multiclass_classification') return multiclassLayout(model, reference, windowAt);
  if (model.task === 'regression') return regressionLayout(reference, predictionBins, windowAt);
  const calibration = reference.calibration;
  if (model.task !== 'binary_classification' || calibration === undefined || calibration.map.length !== predictionBins) return null;
  return {
    kind: 'binary',
    calibrated: calibration.used ? Float64Array.from(calibration.map) : null,
    windowAt,
    counts: EXPECTED_COUNTS,
    threshold: model.prediction.decision_threshold,
  };
}

/** Only a calibration of exactly the model's classes, in its order, each with one map entry per score bin. */
function multiclassLayout(model: ModelConfig, reference: Reference, windowAt: number): MulticlassCbpeLayout | null {
  const calibration = reference.class_calibration;
  if (calibration === undefined || calibration.classes.length !== model.classes.length) return null;
  const fits = calibration.classes.every((c, k) => c.class === model.classes[k] && c.map.length === c.edges.length + 1);
  if (!fits) return null;
  return {
    kind: 'multiclass',
    classes: model.classes.length,
    lookups: calibration.classes.map((c) => createBinLookup(Float64Array.from(c.edges))),
    calibrated: calibration.classes.map((c) => (c.used ? Float64Array.from(c.map) : null)),
    windowAt,
    counts: model.classes.length * MULTICLASS_OUTCOMES,
  };
}

/** Only an error map with one entry per fine bin of the prediction. */
function regressionLayout(reference: Reference, predictionBins: number, windowAt: number): RegressionErrorLayout | null {
  const map = reference.error_map;
  if (map === undefined || map.absolute.length !== predictionBins || map.squared.length !== predictionBins) return null;
  return { kind: 'regression', absolute: Float64Array.from(map.absolute), squared: Float64Array.from(map.squared), windowAt, counts: REGRESSION_COUNTS };
}
