// A label column configured, but the loaded reference has no performance (or, for a binary
// classifier, no calibration; for a multiclass one with score_columns, no per-class
// calibration; for a regression, no error map): it was built before label_column was set, or by an mlwatch without it. The
// reference still loads; the reference performance gauges are absent and the confidence-based
// estimate is off (mlwatch_calibration_in_use = 0). And score_columns without a label column:
// the per-class calibration needs labels, so the estimate stays off.
import type { Reference } from '../reference/types.js';
import { problem, type Problem } from './problems.js';
import type { ModelConfig } from './types.js';

export function performanceReferenceWarnings(model: ModelConfig, reference: Reference): Problem[] {
  if (model.reference_build?.label_column === undefined) {
    if (model.task !== 'multiclass_classification' || model.reference_build?.score_columns === undefined) return [];
    return [
      problem(
        ['reference_build', 'score_columns'],
        'has no effect without reference_build.label_column: the per-class calibration needs the ground truth, so the estimated performance is off; name the label column and rebuild the reference',
      ),
    ];
  }
  const missing: string[] = [];
  if (reference.performance === undefined) missing.push('no performance (mlwatch_reference_performance is absent)');
  if (model.task === 'binary_classification' && reference.calibration === undefined) missing.push('no calibration (the estimated performance is off)');
  if (model.task === 'multiclass_classification' && model.reference_build.score_columns !== undefined && reference.class_calibration === undefined) {
    missing.push('no per-class calibration of score_columns (the estimated performance is off)');
  }
  if (model.task === 'regression' && reference.error_map === undefined) missing.push('no error map (the estimated MAE and RMSE are off)');
  if (missing.length === 0) return [];
  return [
    problem(
      ['reference_build', 'label_column'],
      `the reference has ${missing.join(' and ')}: it was built before label_column was configured; rebuild it with "mlwatch reference build"`,
    ),
  ];
}
