// Structural validation of a parsed reference file: every field's type, and the
// invariants the monitor relies on (strictly increasing edges, one count per bin, fine
// edges containing the coarse ones, counts that add up; in format 2 the first edge below the
// minimum, within-bin offsets that fit their bins, atoms with their edges, one noise level per
// window size). Returns problems by path. Sizes beyond what mlwatch reads are limits.ts's.
import { previousDouble } from '../stats/float.js';
import { classCalibrationProblems } from './class-calibration-structure.js';
import { errorMapProblems } from './error-map-structure.js';
import { edgeBelowMinimum } from './edges.js';
import { noiseGridProblems, sketchNoiseProblems } from './noise-structure.js';
import { segmentsProblems } from './segment-structure.js';
import { OTHER_CATEGORY, type Reference } from './types.js';

type Json = Record<string, unknown>;

const MAX_PROBLEMS = 10;

class Problems {
  readonly list: string[] = [];
  add(path: string, what: string): void {
    this.addLine(`${path}: ${what}`);
  }
  addLine(line: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(line);
  }
}

export function referenceProblems(value: unknown): string[] {
  const problems = new Problems();
  if (!isObject(value)) {
    problems.add('(top level)', 'expected a JSON object');
    return problems.list;
  }
  nonEmptyString(problems, value, 'model');
  nonEmptyString(problems, value, 'source');
  if (nonEmptyString(problems, value, 'created_at') && Number.isNaN(Date.parse(String(value.created_at)))) {
    problems.add('created_at', 'expected an ISO 8601 date-time');
  }
  const rows = count(problems, value, 'rows', 'rows');
  for (const key of ['bins', 'fine_bins', 'top_categories']) {
    const n = count(problems, value, key, key);
    if (n === 0) problems.add(key, 'expected at least 1');
  }
  if (typeof value.checksum !== 'string' || !/^[0-9a-f]{64}$/.test(value.checksum)) {
    problems.add('checksum', 'expected 64 lowercase hex digits (sha256)');
  }
  const add = (path: string, what: string): void => problems.add(path, what);
  const windows = noiseGridProblems(add, value);
  const check = (path: string, sketch: unknown): void => {
    checkSketch(problems, path, sketch, rows, value.format_version);
    if (isObject(sketch)) sketchNoiseProblems(add, path, sketch, windows, value.format_version);
  };
  if (!isObject(value.features)) {
    problems.add('features', 'expected an object of feature sketches');
  } else {
    for (const [name, sketch] of Object.entries(value.features)) check(`features.${name}`, sketch);
  }
  check('prediction', value.prediction);
  if (problems.list.length === 0) {
    const ok = value as unknown as Reference;
    for (const line of segmentsProblems(value.segments, ok.features, ok.prediction, windows)) problems.addLine(line);
  }
  for (const line of classCalibrationProblems(value.class_calibration)) problems.addLine(line);
  for (const line of errorMapProblems(value.error_map, value.prediction)) problems.addLine(line);
  return problems.list;
}

/** True when `value` has the shape of a Reference (see referenceProblems for why not). */
export function isReference(value: unknown): value is Reference {
  return referenceProblems(value).length === 0;
}

function checkSketch(problems: Problems, path: string, sketch: unknown, rows: number | null, version: unknown): void {
  if (!isObject(sketch)) return problems.add(path, 'expected a sketch object');
  if (sketch.kind === 'numeric') return checkNumeric(problems, path, sketch, rows, version === 1 ? 1 : 2);
  if (sketch.kind === 'categorical') return checkCategorical(problems, path, sketch, rows);
  problems.add(`${path}.kind`, 'expected "numeric" or "categorical"');
}

function checkNumeric(problems: Problems, path: string, sketch: Json, rows: number | null, version: 1 | 2): void {
  const summary = sketch.summary;
  if (!isObject(summary)) return problems.add(`${path}.summary`, 'expected an object');
  const n = count(problems, summary, 'count', `${path}.summary.count`);
  checkTotal(problems, path, summary, n, rows);
  for (const key of ['mean', 'std', 'min', 'max']) {
    if (!isFiniteNumber(summary[key])) problems.add(`${path}.summary.${key}`, 'expected a finite number');
  }
  if (isFiniteNumber(summary.std) && summary.std < 0) problems.add(`${path}.summary.std`, 'must not be negative');
  if (n === 0) problems.add(`${path}.summary.count`, 'must be at least 1 (a numeric sketch needs values)');

  const digest = sketch.digest;
  if (!isArray(digest) || !digest.every(isCentroid)) {
    problems.add(`${path}.digest`, 'expected an array of centroids { mean, n > 0 }');
  } else if (n !== null && digest.reduce((sum, c) => sum + c.n, 0) !== n) {
    problems.add(`${path}.digest`, `centroid weights do not add up to summary.count (${n})`);
  }

  const edges = checkBins(problems, path, sketch, 'edges', 'counts', n);
  const fine = checkBins(problems, path, sketch, 'fine_edges', 'fine_counts', n);
  if (edges !== null && isFiniteNumber(summary.min) && isFiniteNumber(summary.max)) {
    const first = version === 1 ? summary.min : edgeBelowMinimum(summary.min);
    if (edges[0] !== first || edges[edges.length - 1] !== summary.max) {
      const start = version === 1 ? 'summary.min' : `the largest double below summary.min (${first})`;
      problems.add(`${path}.edges`, `must start at ${start} and end at summary.max`);
    }
  }
  if (edges !== null && fine !== null) {
    const fineSet = new Set(fine);
    const absent = edges.find((edge) => !fineSet.has(edge));
    if (absent !== undefined) problems.add(`${path}.fine_edges`, `must contain every coarse edge (${absent} is missing)`);
    else if (edges[0] !== fine[0] || edges[edges.length - 1] !== fine[fine.length - 1]) {
      problems.add(`${path}.fine_edges`, 'must start and end where the coarse edges do');
    }
  }
  if (version === 1) {
    for (const key of ['fine_offsets', 'atoms']) {
      if (sketch[key] !== undefined) problems.add(`${path}.${key}`, 'is a format_version 2 field');
    }
  } else if (fine !== null) {
    checkOffsets(problems, path, sketch, fine);
    checkAtoms(problems, path, sketch.atoms, new Set(fine));
  }
}

/**
 * fine_offsets[i] = Σ (value - lower edge) over the bin's values: 0 where the bin is empty,
 * and within [0, count·width] for an interior bin (a little slack for rounding).
 */
function checkOffsets(problems: Problems, path: string, sketch: Json, fine: number[]): void {
  const offsets = sketch.fine_offsets;
  const counts = sketch.fine_counts;
  if (!isArray(offsets) || !offsets.every(isFiniteNumber) || offsets.length !== fine.length + 1) {
    return problems.add(`${path}.fine_offsets`, `expected ${fine.length + 1} finite numbers (one per fine bin)`);
  }
  if (!isArray(counts) || counts.length !== offsets.length || !counts.every(isCount)) return;
  const at = offsets.findIndex((offset, i) => {
    // Bin 0 can hold only copies of its edge (a minimum of -Number.MAX_VALUE); nothing lies above the maximum.
    if (i === 0 || counts[i] === 0) return offset !== 0;
    if (i === fine.length) return true;
    const room = counts[i] * (fine[i] - fine[i - 1]);
    return offset < 0 || offset > room * (1 + 1e-9);
  });
  if (at >= 0) {
    problems.add(`${path}.fine_offsets[${at}]`, `${offsets[at]} does not fit ${counts[at]} values in bin ${at} (each offset lies between 0 and the bin's width)`);
  }
}

/** Atoms: strictly increasing finite values, each a fine edge with the double below it also one. */
function checkAtoms(problems: Problems, path: string, atoms: unknown, fine: ReadonlySet<number>): void {
  if (!isArray(atoms) || !atoms.every(isFiniteNumber)) return problems.add(`${path}.atoms`, 'expected an array of finite numbers');
  atoms.forEach((atom, i) => {
    if (i > 0 && !(atom > atoms[i - 1])) problems.add(`${path}.atoms[${i}]`, 'atoms must be strictly increasing');
    const below = previousDouble(atom);
    if (!fine.has(atom) || (Number.isFinite(below) && !fine.has(below))) {
      problems.add(`${path}.atoms[${i}]`, `${atom} and the double below it must both be fine edges`);
    }
  });
}

/** Checks an edge list and its counts; returns the edges if they are usable. */
function checkBins(problems: Problems, path: string, sketch: Json, edgesKey: string, countsKey: string, total: number | null): number[] | null {
  const edges = sketch[edgesKey];
  let usable: number[] | null = null;
  if (!isArray(edges) || edges.length === 0 || !edges.every(isFiniteNumber)) {
    problems.add(`${path}.${edgesKey}`, 'expected a non-empty array of finite numbers');
  } else {
    const at = edges.findIndex((edge, i) => i > 0 && !(edge > edges[i - 1]));
    if (at > 0) problems.add(`${path}.${edgesKey}[${at}]`, `edges must be strictly increasing (${edges[at]} follows ${edges[at - 1]})`);
    else usable = edges;
  }
  const counts = sketch[countsKey];
  if (!isArray(counts) || !counts.every(isCount)) {
    problems.add(`${path}.${countsKey}`, 'expected an array of non-negative whole numbers');
  } else {
    if (isArray(edges) && counts.length !== edges.length + 1) {
      problems.add(`${path}.${countsKey}`, `expected ${edges.length + 1} counts (one more than ${edgesKey}), found ${counts.length}`);
    }
    const sum = counts.reduce((a, b) => a + b, 0);
    if (total !== null && sum !== total) problems.add(`${path}.${countsKey}`, `add up to ${sum}, not summary.count (${total})`);
  }
  return usable;
}

function checkCategorical(problems: Problems, path: string, sketch: Json, rows: number | null): void {
  const n = count(problems, sketch, 'count', `${path}.count`);
  checkTotal(problems, path, sketch, n, rows);
  const other = count(problems, sketch, 'other_count', `${path}.other_count`);
  const categories = sketch.categories;
  if (!isArray(categories) || !categories.every(isCategory)) {
    return problems.add(`${path}.categories`, 'expected an array of { value: string, count }');
  }
  const seen = new Set<string>();
  let sum = 0;
  categories.forEach((category, i) => {
    const value = category.value;
    if (value === OTHER_CATEGORY) problems.add(`${path}.categories[${i}]`, `"${OTHER_CATEGORY}" is reserved for the other bin`);
    if (seen.has(value)) problems.add(`${path}.categories[${i}]`, `category ${JSON.stringify(value)} appears twice`);
    seen.add(value);
    if (i > 0 && category.count > categories[i - 1].count) {
      problems.add(`${path}.categories[${i}]`, 'categories must be ordered most frequent first');
    }
    sum += category.count;
  });
  if (n !== null && other !== null && sum + other !== n) {
    problems.add(`${path}.other_count`, `categories (${sum}) plus other_count (${other}) must add up to count (${n})`);
  }
}

/** count + missing + invalid = rows: every row has a value, a missing value or an invalid one. */
function checkTotal(problems: Problems, path: string, holder: Json, n: number | null, rows: number | null): void {
  const missing = count(problems, holder, 'missing', `${path}.missing`);
  const invalid = count(problems, holder, 'invalid', `${path}.invalid`);
  if (n !== null && missing !== null && invalid !== null && rows !== null && n + missing + invalid !== rows) {
    problems.add(path, `count + missing + invalid (${n + missing + invalid}) must equal rows (${rows})`);
  }
}

function count(problems: Problems, holder: Json, key: string, path: string): number | null {
  const value = holder[key];
  if (isCount(value)) return value;
  problems.add(path, 'expected a non-negative whole number');
  return null;
}

function nonEmptyString(problems: Problems, holder: Json, key: string): boolean {
  if (typeof holder[key] === 'string' && holder[key] !== '') return true;
  problems.add(key, 'expected a non-empty string');
  return false;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Array.isArray, but typed unknown[] rather than any[]. */
function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

function isCentroid(value: unknown): value is { mean: number; n: number } {
  return isObject(value) && isFiniteNumber(value.mean) && isFiniteNumber(value.n) && value.n > 0;
}

function isCategory(value: unknown): value is { value: string; count: number } {
  return isObject(value) && typeof value.value === 'string' && isCount(value.count);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
