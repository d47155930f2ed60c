// Structural validation of a reference's `segments`: each segment value's sketches have one
// count per bin of the whole reference's matching sketch (a segment cell shares the model's
// layout), counts that add up to the value's rows, and values named as segment-values.ts
// names them; noise levels (format 2) for each sketch that has values. Problems by path, like
// structure.ts.
import { sketchNoiseProblems } from './noise-structure.js';
import type { FeatureSketch } from './types.js';

type Json = Record<string, unknown>;

/** `windows`: the reference's noise grid size, null when it has none (format 1, or an unusable grid). */
export function segmentsProblems(segments: unknown, features: Record<string, FeatureSketch>, prediction: FeatureSketch, windows: number | null = null): string[] {
  if (segments === undefined) return [];
  if (!Array.isArray(segments)) return ['segments: expected an array of segment references'];
  const problems: string[] = [];
  segments.forEach((segment: unknown, s) => {
    const at = `segments[${s}]`;
    if (!isObject(segment)) return problems.push(`${at}: expected an object`);
    if (typeof segment.feature !== 'string' || !Object.hasOwn(features, segment.feature)) {
      return problems.push(`${at}.feature: expected the name of a feature of the reference`);
    }
    const edges = segment.edges;
    if (edges !== null && !(Array.isArray(edges) && edges.every((e, i) => isFiniteNumber(e) && (i === 0 || e > (edges[i - 1] as number))))) {
      problems.push(`${at}.edges: expected null or strictly increasing finite numbers`);
    }
    if (!Array.isArray(segment.values) || segment.values.length === 0) return problems.push(`${at}.values: expected a non-empty array`);
    segment.values.forEach((value: unknown, k) => problems.push(...valueProblems(`${at}.values[${k}]`, value, features, prediction, windows)));
    return undefined;
  });
  return problems;
}

function valueProblems(at: string, value: unknown, features: Record<string, FeatureSketch>, prediction: FeatureSketch, windows: number | null): string[] {
  if (!isObject(value)) return [`${at}: expected an object`];
  const problems: string[] = [];
  if (typeof value.value !== 'string' || value.value === '') problems.push(`${at}.value: expected the value's name`);
  if (!isCount(value.rows)) problems.push(`${at}.rows: expected a whole number of rows`);
  if (typeof value.fallback !== 'boolean') problems.push(`${at}.fallback: expected true or false`);
  if (value.fallback !== false) return problems;
  if (!isObject(value.features)) return [...problems, `${at}.features: expected the segment value's sketches`];
  for (const [name, whole] of Object.entries(features)) {
    problems.push(...sketchProblems(`${at}.features.${name}`, value.features[name], whole, value.rows, windows));
  }
  problems.push(...sketchProblems(`${at}.prediction`, value.prediction, prediction, value.rows, windows));
  return problems;
}

function sketchProblems(at: string, sketch: unknown, whole: FeatureSketch, rows: unknown, windows: number | null): string[] {
  if (!isObject(sketch) || sketch.kind !== whole.kind) return [`${at}: expected a ${whole.kind} segment sketch`];
  if (!isCount(sketch.count) || !isCount(sketch.missing)) return [`${at}: expected whole-number count and missing`];
  if (isCount(rows) && sketch.count + sketch.missing > rows) return [`${at}: counts more values than the segment value has rows`];
  const problems: string[] = [];
  const countsFit = (key: string, expected: number): void => {
    const counts = sketch[key];
    if (!Array.isArray(counts) || counts.length !== expected || !counts.every(isCount)) {
      problems.push(`${at}.${key}: expected ${expected} whole-number counts (the whole reference's bins)`);
    } else if (counts.reduce((a: number, b: number) => a + b, 0) !== sketch.count) {
      problems.push(`${at}.${key}: do not add up to count (${sketch.count as number})`);
    }
  };
  if (whole.kind === 'numeric') {
    countsFit('counts', whole.counts.length);
    countsFit('fine_counts', whole.fine_counts.length);
    const offsets = sketch.fine_offsets;
    if (!Array.isArray(offsets) || offsets.length !== whole.fine_counts.length || !offsets.every(isFiniteNumber)) {
      problems.push(`${at}.fine_offsets: expected one finite number per fine bin`);
    }
    if (!isFiniteNumber(sketch.std) || sketch.std < 0) problems.push(`${at}.std: expected a finite number >= 0`);
  } else {
    countsFit('counts', whole.categories.length + 1);
  }
  // A sketch with no values has nothing to draw windows from, hence no noise levels.
  if (sketch.count > 0) sketchNoiseProblems((path, what) => problems.push(`${path}: ${what}`), at, sketch, windows, windows === null ? 1 : 2);
  return problems;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
