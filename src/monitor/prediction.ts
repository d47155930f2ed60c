// The model output of one event, per task: a number, or { label?, score?, scores? }.
// Regression and binary models bin a numeric value/score; classifiers also count the
// predicted class. A bad prediction is a quality signal on the prediction, never a rejection.
import type { Cell } from './cell.js';
import { Q_MISSING, Q_NON_FINITE, Q_OUT_OF_RANGE, Q_TYPE_ERRORS, type ModelLayout, type NumericSlot } from './layout.js';
import { isNonFiniteMarker, recordCategorical, recordNumeric } from './record.js';

type Json = Record<string, unknown>;

export function recordPrediction(cell: Cell, prediction: unknown): void {
  const layout = cell.layout;
  const slot = layout.prediction;
  if (slot.kind === 'categorical') {
    const label = multiclassLabel(layout, prediction);
    recordCategorical(cell, slot, label);
    if (typeof label === 'string') countClass(cell, label);
    return;
  }
  if (layout.model.task === 'regression') {
    recordNumeric(cell, slot, numericValue(prediction));
    return;
  }
  recordBinary(cell, slot, prediction);
}

function recordBinary(cell: Cell, slot: NumericSlot, prediction: unknown): void {
  const layout = cell.layout;
  let score: unknown;
  let label: unknown;
  if (typeof prediction === 'string') {
    label = prediction;
  } else if (isObject(prediction)) {
    score = prediction.score ?? positiveScore(layout, prediction.scores);
    label = prediction.label;
  } else {
    score = prediction;
  }
  if (label === undefined && score === undefined) {
    cell.countQuality(slot, Q_MISSING);
    return;
  }
  // The score feeds prediction drift; a label alone still counts the class.
  if (score !== undefined) recordNumeric(cell, slot, score);
  if (typeof label === 'string') countClass(cell, label);
  else if (label !== undefined && label !== null) cell.countQuality(slot, Q_TYPE_ERRORS);
  else if (typeof score === 'number') cell.countClass(score >= layout.model.prediction.decision_threshold ? 1 : 0);
}

function numericValue(prediction: unknown): unknown {
  if (isObject(prediction)) return prediction.score ?? prediction.value;
  return prediction;
}

function positiveScore(layout: ModelLayout, scores: unknown): unknown {
  if (Array.isArray(scores)) return scores[1];
  if (isObject(scores)) return scores[layout.model.classes[1]];
  return undefined;
}

/** The class label of a multiclass prediction: the label, else the argmax of scores. */
function multiclassLabel(layout: ModelLayout, prediction: unknown): unknown {
  if (!isObject(prediction)) return prediction;
  if (prediction.label !== undefined) return prediction.label;
  const scores = prediction.scores;
  const classes = layout.model.classes;
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < classes.length; i++) {
    const s = Array.isArray(scores) ? scores[i] : isObject(scores) ? scores[classes[i]] : undefined;
    if (typeof s === 'number' && s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return best >= 0 ? classes[best] : scores === undefined ? undefined : NaN;
}

function countClass(cell: Cell, label: string): void {
  const layout = cell.layout;
  const index = layout.classIndex.get(label);
  if (index !== undefined) {
    cell.countClass(index);
    return;
  }
  cell.countClass(layout.classNames.length - 1);
  // A binary model's unknown label: the score slot holds its quality counters.
  if (layout.prediction.kind === 'numeric') cell.countQuality(layout.prediction, isNonFiniteMarker(label) ? Q_NON_FINITE : Q_OUT_OF_RANGE);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
