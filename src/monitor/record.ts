// The hot path: one value of one slot into the counters, the cumulative bins and the
// current window. No allocation, no string building, no label lookups.
import { lookupBin } from '../stats/bin-lookup.js';
import { NON_FINITE_MARKERS } from '../ingest/tolerant-json.js';
import {
  BIN_MASK,
  OUT_OF_RANGE_FLAG,
  QUALITY_COUNTERS,
  Q_MISSING,
  Q_NON_FINITE,
  Q_OUT_OF_RANGE,
  Q_TYPE_ERRORS,
  Q_VALUES,
  type CategoricalSlot,
  type ModelLayout,
  type NumericSlot,
} from './layout.js';
import type { ModelState } from './state.js';

/** True for the marker strings the tolerant parser puts where Python wrote NaN/Infinity. */
export function isNonFiniteMarker(value: unknown): boolean {
  return typeof value === 'string' && value.charCodeAt(0) === 0 && NON_FINITE_MARKERS.has(value);
}

export function recordMissing(state: ModelState, slotIndex: number): void {
  state.quality[slotIndex * QUALITY_COUNTERS + Q_MISSING]++;
}

export function recordNumeric(layout: ModelLayout, state: ModelState, slot: NumericSlot, value: unknown): void {
  const q = slot.index * QUALITY_COUNTERS;
  if (value === undefined || value === null) {
    state.quality[q + Q_MISSING]++;
    return;
  }
  if (typeof value !== 'number') {
    state.quality[q + (isNonFiniteMarker(value) ? Q_NON_FINITE : Q_TYPE_ERRORS)]++;
    return;
  }
  // JSON.parse turns an overflowing number (1e999) into ±Infinity: non-finite, never binned.
  if (value - value !== 0) {
    state.quality[q + Q_NON_FINITE]++;
    return;
  }
  recordNumber(layout, state, slot, value);
}

/** A number already known to be a finite JSON number. */
export function recordNumber(layout: ModelLayout, state: ModelState, slot: NumericSlot, value: number): void {
  const q = slot.index * QUALITY_COUNTERS;
  state.quality[q + Q_VALUES]++;
  if (value < slot.rangeMin || value > slot.rangeMax) state.quality[q + Q_OUT_OF_RANGE]++;
  const bin = lookupBin(slot.fineLookup, value);
  state.bins[slot.binOffset + bin]++;
  state.sums[slot.index] += value;
  const window = state.window.current;
  window[slot.binOffset + bin]++;
  // Offsets from the bin's lower edge make the window's ∫F exact in every bin (stats/continuous.ts).
  window[slot.offsetsAt + bin] += value - slot.binLowerEdges[bin];
}

export function recordCategorical(state: ModelState, slot: CategoricalSlot, value: unknown): void {
  const q = slot.index * QUALITY_COUNTERS;
  let code: number;
  if (value === undefined || value === null) {
    state.quality[q + Q_MISSING]++;
    return;
  } else if (slot.boolean) {
    if (value === true) code = slot.trueCode;
    else if (value === false) code = slot.falseCode;
    else {
      state.quality[q + Q_TYPE_ERRORS]++;
      return;
    }
  } else if (typeof value === 'string') {
    if (isNonFiniteMarker(value)) {
      state.quality[q + Q_TYPE_ERRORS]++;
      return;
    }
    code = slot.codes.get(value) ?? slot.unknownCode;
  } else {
    state.quality[q + Q_TYPE_ERRORS]++;
    return;
  }
  recordCode(state, slot, code);
}

/** A category already resolved to its code (bin, with OUT_OF_RANGE_FLAG when not allowed). */
export function recordCode(state: ModelState, slot: CategoricalSlot, code: number): void {
  const q = slot.index * QUALITY_COUNTERS;
  state.quality[q + Q_VALUES]++;
  if (code & OUT_OF_RANGE_FLAG) state.quality[q + Q_OUT_OF_RANGE]++;
  const at = slot.binOffset + (code & BIN_MASK);
  state.bins[at]++;
  state.window.current[at]++;
}
