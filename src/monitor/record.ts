// The hot path: one value of one slot resolved into the event's outcome — a bin (flagged when
// out of range) or what was wrong with it. No allocation, no string building, no label lookups.
import { lookupBin } from '../stats/bin-lookup.js';
import { NON_FINITE_MARKERS } from '../ingest/tolerant-json.js';
import { OUT_OF_RANGE_FLAG, type CategoricalSlot, type NumericSlot } from './layout.js';
import { SLOT_MISSING, SLOT_NON_FINITE, SLOT_TYPE_ERROR, type EventOutcome } from './outcome.js';

/** True for the marker strings the tolerant parser puts where Python wrote NaN/Infinity. */
export function isNonFiniteMarker(value: unknown): boolean {
  return typeof value === 'string' && value.charCodeAt(0) === 0 && NON_FINITE_MARKERS.has(value);
}

export function resolveNumeric(outcome: EventOutcome, slot: NumericSlot, value: unknown): void {
  if (value === undefined || value === null) outcome.codes[slot.index] = SLOT_MISSING;
  else if (typeof value !== 'number') outcome.codes[slot.index] = isNonFiniteMarker(value) ? SLOT_NON_FINITE : SLOT_TYPE_ERROR;
  // JSON.parse turns an overflowing number (1e999) into ±Infinity: non-finite, never binned.
  else if (value - value !== 0) outcome.codes[slot.index] = SLOT_NON_FINITE;
  else resolveNumber(outcome, slot, value);
}

/** A number already known to be a finite JSON number. */
export function resolveNumber(outcome: EventOutcome, slot: NumericSlot, value: number): void {
  const bin = lookupBin(slot.fineLookup, value);
  outcome.codes[slot.index] = value < slot.rangeMin || value > slot.rangeMax ? bin | OUT_OF_RANGE_FLAG : bin;
  outcome.values[slot.index] = value;
}

export function resolveCategorical(outcome: EventOutcome, slot: CategoricalSlot, value: unknown): void {
  let code: number;
  if (value === undefined || value === null) code = SLOT_MISSING;
  else if (slot.boolean) code = value === true ? slot.trueCode : value === false ? slot.falseCode : SLOT_TYPE_ERROR;
  else if (typeof value === 'string') code = isNonFiniteMarker(value) ? SLOT_TYPE_ERROR : (slot.codes.get(value) ?? slot.unknownCode);
  else code = SLOT_TYPE_ERROR;
  outcome.codes[slot.index] = code;
}
