// How a raw cell of training data becomes a value, a missing value or an invalid one.
// CSV cells are text (an empty cell is missing); JSON Lines cells are JSON values
// (null or absent is missing) and must already have the right JSON type. In both, a text
// cell equal to one of the na_values ("NA", "NaN", "NULL", …) is missing, whatever the
// column's type: it is how pandas and R write a missing value.
import type { DataFormat } from './rows.js';

export const MISSING = Symbol('missing');
export const INVALID = Symbol('invalid');
export type Decoded<T> = T | typeof MISSING | typeof INVALID;

export type NumberDecoder = (raw: unknown) => Decoded<number>;
export type CategoryDecoder = (raw: unknown) => Decoded<string>;

/** Text cells that mean missing; none unless the caller says (the config's default is pandas'). */
export type NaValues = ReadonlySet<string>;
const NO_NA_VALUES: NaValues = new Set();

/**
 * Decimal numbers only: optional sign, digits with an optional fraction, optional
 * exponent. Number() also takes '' (as 0), surrounding spaces, '0x10' and 'Infinity'.
 */
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Strict text → number: NaN for anything that is not a finite decimal number. */
export function parseNumberText(text: string): number {
  if (!NUMBER_TEXT.test(text)) return Number.NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN; // '1e999' overflows to Infinity
}

export function numberDecoder(format: DataFormat, na: NaValues = NO_NA_VALUES): NumberDecoder {
  if (format === 'csv') {
    return (raw) => {
      if (typeof raw !== 'string' || na.has(raw)) return MISSING;
      const value = parseNumberText(raw);
      return Number.isNaN(value) ? INVALID : value;
    };
  }
  return (raw) => {
    if (raw === null || raw === undefined || (typeof raw === 'string' && na.has(raw))) return MISSING;
    return typeof raw === 'number' && Number.isFinite(raw) ? raw : INVALID;
  };
}

export interface CategoryDecoderOptions {
  /** A closed set (the classes of a classifier): anything outside it is invalid. */
  allowed?: ReadonlySet<string>;
  na?: NaValues;
}

export function categoryDecoder(format: DataFormat, options: CategoryDecoderOptions = {}): CategoryDecoder {
  const { allowed, na = NO_NA_VALUES } = options;
  return (raw) => {
    if (raw === null || raw === undefined) return MISSING;
    if (typeof raw !== 'string') return INVALID;
    if ((format === 'csv' && raw === '') || na.has(raw)) return MISSING;
    if (allowed !== undefined && !allowed.has(raw)) return INVALID;
    return raw;
  };
}

/** Booleans become the categories "true" and "false". */
export function booleanDecoder(format: DataFormat, na: NaValues = NO_NA_VALUES): CategoryDecoder {
  if (format === 'csv') {
    return (raw) => {
      if (typeof raw !== 'string' || na.has(raw)) return MISSING;
      const lower = raw.toLowerCase();
      return lower === 'true' || lower === 'false' ? lower : INVALID;
    };
  }
  return (raw) => {
    if (raw === null || raw === undefined || (typeof raw === 'string' && na.has(raw))) return MISSING;
    if (typeof raw !== 'boolean') return INVALID;
    return raw ? 'true' : 'false';
  };
}
