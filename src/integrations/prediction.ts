// A payload's raw per-row output → mlwatch's prediction (a value, or { label?, score?, scores? }),
// by the model's kserve.prediction mapping. Nothing is coerced: a value of the wrong kind is
// passed on as it is, so the monitor counts it as a prediction type error.
import type { PayloadMapping } from './mapping.js';
import { isObject } from './problems.js';

export function predictionOf(raw: unknown, mapping: PayloadMapping): unknown {
  switch (mapping.prediction) {
    case 'auto':
      return automatic(raw, mapping);
    case 'value':
    case 'score':
      return single(raw);
    case 'label':
      return mapping.task === 'multiclass_classification' ? single(raw) : { label: single(raw) };
    case 'class_index':
      return classAt(single(raw), mapping.classes);
    case 'scores':
      return { scores: raw };
  }
}

/**
 * A list is class scores (a one-value list is its value); a string is a label; a boolean is a
 * binary model's class; an integer of a multiclass model is a class index; any other number is
 * the score (binary) or the value (regression); an object is already mlwatch's shape.
 */
function automatic(raw: unknown, mapping: PayloadMapping): unknown {
  if (Array.isArray(raw)) return raw.length === 1 ? automatic(raw[0], mapping) : { scores: raw };
  if (isObject(raw)) return raw;
  if (mapping.task === 'regression') return raw;
  if (typeof raw === 'string') return mapping.task === 'multiclass_classification' ? raw : { label: raw };
  if (typeof raw === 'boolean' && mapping.task === 'binary_classification') return { label: mapping.classes[raw ? 1 : 0] };
  if (mapping.task === 'multiclass_classification' && Number.isInteger(raw)) return classAt(raw, mapping.classes);
  return raw;
}

function single(raw: unknown): unknown {
  return Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
}

/** An index outside the classes stays a number, which the monitor counts as a type error. */
function classAt(index: unknown, classes: readonly string[]): unknown {
  if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < classes.length) return { label: classes[index] };
  return { label: index };
}
