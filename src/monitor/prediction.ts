// The model output of one event, per task: a number, or { label?, score?, scores? }.
// Regression and binary models bin a numeric value/score; classifiers also count the
// predicted class. A bad prediction is a quality signal on the prediction, never a rejection.
import { lookupBin } from '../stats/bin-lookup.js';
import { normaliseInPlace } from '../stats/cbpe-multiclass.js';
import type { BinaryCbpeLayout, MulticlassCbpeLayout } from './cbpe-layout.js';
import { BIN_MASK, Q_NON_FINITE, Q_OUT_OF_RANGE, Q_TYPE_ERRORS, type ModelLayout, type NumericSlot } from './layout.js';
import { SLOT_MISSING, SLOT_NONE, type EventOutcome } from './outcome.js';
import { isNonFiniteMarker, resolveCategorical, resolveNumeric } from './record.js';

type Json = Record<string, unknown>;

export function resolvePrediction(layout: ModelLayout, outcome: EventOutcome, prediction: unknown): void {
  outcome.predictedClass = -1;
  outcome.predictionQuality = -1;
  outcome.expectedPositive = Number.NaN;
  outcome.expectedClass = -1;
  outcome.expectedAbsError = Number.NaN;
  const slot = layout.prediction;
  if (slot.kind === 'categorical') {
    const label = multiclassLabel(layout, prediction);
    resolveCategorical(outcome, slot, label);
    if (typeof label === 'string') resolveClass(layout, outcome, label);
    const cbpe = layout.cbpe;
    // Only a known predicted class with every class's score is estimated.
    if (cbpe !== null && cbpe.kind === 'multiclass' && outcome.predictedClass < cbpe.classes && outcome.predictedClass >= 0 && isObject(prediction)) {
      resolveClassProbabilities(layout, cbpe, outcome, prediction.scores);
    }
    return;
  }
  if (layout.model.task === 'regression') {
    resolveNumeric(outcome, slot, numericValue(prediction));
    const cbpe = layout.cbpe;
    const code = outcome.codes[slot.index];
    // The expected error at the value's fine bin: two loads, no allocation.
    if (cbpe !== null && cbpe.kind === 'regression' && code >= 0) {
      outcome.expectedAbsError = cbpe.absolute[code & BIN_MASK];
      outcome.expectedSquaredError = cbpe.squared[code & BIN_MASK];
    }
    return;
  }
  resolveBinary(layout, outcome, slot, prediction);
}

function resolveBinary(layout: ModelLayout, outcome: EventOutcome, slot: NumericSlot, prediction: unknown): void {
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
    outcome.codes[slot.index] = SLOT_MISSING;
    return;
  }
  // The score feeds prediction drift; a label alone still counts the class.
  if (score !== undefined) {
    resolveNumeric(outcome, slot, score);
    if (layout.cbpe?.kind === 'binary' && outcome.codes[slot.index] >= 0) resolveExpected(layout.cbpe, outcome, outcome.codes[slot.index] & BIN_MASK, score as number);
  } else outcome.codes[slot.index] = SLOT_NONE;
  if (typeof label === 'string') resolveClass(layout, outcome, label);
  else if (label !== undefined && label !== null) outcome.predictionQuality = Q_TYPE_ERRORS;
  else if (typeof score === 'number' && score - score === 0) outcome.predictedClass = score >= layout.model.prediction.decision_threshold ? 1 : 0;
}

/** CBPE: the calibrated probability by the score's fine bin (a lookup), else the raw score clipped to [0, 1]. */
function resolveExpected(cbpe: BinaryCbpeLayout, outcome: EventOutcome, bin: number, score: number): void {
  outcome.expectedPositive = cbpe.calibrated !== null ? cbpe.calibrated[bin] : score < 0 ? 0 : score > 1 ? 1 : score;
  outcome.predictedPositive = score >= cbpe.threshold;
}

/**
 * Multiclass CBPE: per class the calibrated probability by its score's bin (a lookup), else the
 * raw score clipped to [0, 1]; the vector normalised to sum to 1. Any class without a finite
 * score, or probabilities that sum to 0, leave the event unestimated.
 */
function resolveClassProbabilities(layout: ModelLayout, cbpe: MulticlassCbpeLayout, outcome: EventOutcome, scores: unknown): void {
  const byIndex = Array.isArray(scores);
  if (!byIndex && !isObject(scores)) return;
  const classes = layout.model.classes;
  const p = outcome.classProbabilities;
  for (let k = 0; k < cbpe.classes; k++) {
    const s: unknown = byIndex ? (scores as unknown[])[k] : ownValue(scores as Json, classes[k]);
    if (typeof s !== 'number' || s - s !== 0) return;
    const calibrated = cbpe.calibrated[k];
    p[k] = calibrated !== null ? calibrated[lookupBin(cbpe.lookups[k], s)] : s < 0 ? 0 : s > 1 ? 1 : s;
  }
  if (normaliseInPlace(p)) outcome.expectedClass = outcome.predictedClass;
}

function numericValue(prediction: unknown): unknown {
  if (isObject(prediction)) return prediction.score ?? prediction.value;
  return prediction;
}

function positiveScore(layout: ModelLayout, scores: unknown): unknown {
  if (Array.isArray(scores)) return scores[1];
  if (isObject(scores)) return ownValue(scores, layout.model.classes[1]);
  return undefined;
}

/** scores[name] when it is the object's own: a class may be named "constructor". */
function ownValue(object: Json, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
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
    const s = Array.isArray(scores) ? scores[i] : isObject(scores) ? ownValue(scores, classes[i]) : undefined;
    // A non-finite score (NaN token, or an overflowing number) never wins the argmax.
    if (typeof s === 'number' && s - s === 0 && s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return best >= 0 ? classes[best] : scores === undefined ? undefined : NaN;
}

function resolveClass(layout: ModelLayout, outcome: EventOutcome, label: string): void {
  const index = layout.classIndex.get(label);
  if (index !== undefined) {
    outcome.predictedClass = index;
    return;
  }
  outcome.predictedClass = layout.classNames.length - 1;
  // A binary model's unknown label: the score slot holds its quality counters.
  if (layout.prediction.kind === 'numeric') outcome.predictionQuality = isNonFiniteMarker(label) ? Q_NON_FINITE : Q_OUT_OF_RANGE;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
