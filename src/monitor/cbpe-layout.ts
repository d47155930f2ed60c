// Where the confidence-based performance estimate (CBPE) of a binary classifier reads its
// calibrated probability and writes its window counts; fixed at start-up from the reference's
// calibration, so an event only looks its probability up by the score's fine bin.
import type { ModelConfig } from '../config/types.js';
import type { Reference } from '../reference/types.js';

/** Expected confusion counts, in this order, in a cell and in each drift sub-window. */
export const E_TP = 0;
export const E_FP = 1;
export const E_FN = 2;
export const E_TN = 3;
export const EXPECTED_COUNTS = 4;
export const EXPECTED_OUTCOMES = ['tp', 'fp', 'fn', 'tn'] as const;

export interface CbpeLayout {
  /** Per fine bin of the prediction, the calibrated P(positive); null when the raw score is used (calibration did not lower the ECE). */
  calibrated: Float64Array | null;
  /** Position of the four expected counts in a window array (after the bins and offsets). */
  windowAt: number;
  threshold: number;
}

/** Binary classifiers whose reference carries a calibration (built with label_column); else null: CBPE off. */
export function buildCbpeLayout(model: ModelConfig, reference: Reference, predictionBins: number, windowAt: number): CbpeLayout | null {
  const calibration = reference.calibration;
  if (model.task !== 'binary_classification' || calibration === undefined || calibration.map.length !== predictionBins) return null;
  return {
    calibrated: calibration.used ? Float64Array.from(calibration.map) : null,
    windowAt,
    threshold: model.prediction.decision_threshold,
  };
}
