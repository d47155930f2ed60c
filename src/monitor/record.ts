// The hot path: one value of one slot into a cell — its quality counters, cumulative bins and
// current window. No allocation, no string building, no label lookups.
import { lookupBin } from '../stats/bin-lookup.js';
import { NON_FINITE_MARKERS } from '../ingest/tolerant-json.js';
import type { Cell } from './cell.js';
import {
  BIN_MASK,
  OUT_OF_RANGE_FLAG,
  Q_MISSING,
  Q_NON_FINITE,
  Q_OUT_OF_RANGE,
  Q_TYPE_ERRORS,
  Q_VALUES,
  type CategoricalSlot,
  type NumericSlot,
} from './layout.js';

/** True for the marker strings the tolerant parser puts where Python wrote NaN/Infinity. */
export function isNonFiniteMarker(value: unknown): boolean {
  return typeof value === 'string' && value.charCodeAt(0) === 0 && NON_FINITE_MARKERS.has(value);
}

export function recordNumeric(cell: Cell, slot: NumericSlot, value: unknown): void {
  if (value === undefined || value === null) {
    cell.countQuality(slot, Q_MISSING);
    return;
  }
  if (typeof value !== 'number') {
    cell.countQuality(slot, isNonFiniteMarker(value) ? Q_NON_FINITE : Q_TYPE_ERRORS);
    return;
  }
  recordNumber(cell, slot, value);
}

/** A number already known to be a finite JSON number. */
export function recordNumber(cell: Cell, slot: NumericSlot, value: number): void {
  cell.countQuality(slot, Q_VALUES);
  if (value < slot.rangeMin || value > slot.rangeMax) cell.countQuality(slot, Q_OUT_OF_RANGE);
  cell.addNumber(slot, lookupBin(slot.fineLookup, value), value);
}

export function recordCategorical(cell: Cell, slot: CategoricalSlot, value: unknown): void {
  let code: number;
  if (value === undefined || value === null) {
    cell.countQuality(slot, Q_MISSING);
    return;
  } else if (slot.boolean) {
    if (value === true) code = slot.trueCode;
    else if (value === false) code = slot.falseCode;
    else {
      cell.countQuality(slot, Q_TYPE_ERRORS);
      return;
    }
  } else if (typeof value === 'string') {
    if (isNonFiniteMarker(value)) {
      cell.countQuality(slot, Q_TYPE_ERRORS);
      return;
    }
    code = slot.codes.get(value) ?? slot.unknownCode;
  } else {
    cell.countQuality(slot, Q_TYPE_ERRORS);
    return;
  }
  recordCode(cell, slot, code);
}

/** A category already resolved to its code (bin, with OUT_OF_RANGE_FLAG when not allowed). */
export function recordCode(cell: Cell, slot: CategoricalSlot, code: number): void {
  cell.countQuality(slot, Q_VALUES);
  if (code & OUT_OF_RANGE_FLAG) cell.countQuality(slot, Q_OUT_OF_RANGE);
  cell.addCategory(slot, code & BIN_MASK);
}
