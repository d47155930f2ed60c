// Structural checks of the noise levels in a parsed reference (format_version 2): the grid
// of window sizes, and per sketch one pair of level lists per method of its kind, each one
// level per window size. Version 1 files have none (threshold-only decisions).
import { CATEGORICAL_METHODS, NUMERIC_METHODS } from '../stats/slot-scores.js';

type Json = Record<string, unknown>;
export type AddProblem = (path: string, what: string) => void;

/** The grid's window count, or null when the grid is unusable (then sketch levels are not checked). */
export function noiseGridProblems(add: AddProblem, reference: Json): number | null {
  const noise = reference.noise;
  if (reference.format_version === 1) {
    if (noise !== undefined) add('noise', 'a format_version 1 reference has no noise levels; remove it or rebuild the reference');
    return null;
  }
  if (!isObject(noise)) {
    add('noise', 'expected { windows, replicates }: the noise grid (format_version 2)');
    return null;
  }
  const windows = noise.windows;
  if (!Array.isArray(windows) || windows.length === 0 || !windows.every((n, i) => isWholeAtLeast(n, 1) && (i === 0 || n > windows[i - 1]))) {
    add('noise.windows', 'expected window sizes: whole numbers >= 1, strictly increasing');
    return null;
  }
  if (!isWholeAtLeast(noise.replicates, 1)) add('noise.replicates', 'expected a whole number >= 1');
  return windows.length;
}

/** Checks a sketch's `noise` (present exactly when the reference has a grid). */
export function sketchNoiseProblems(add: AddProblem, path: string, sketch: Json, windows: number | null, version: unknown): void {
  const noise = sketch.noise;
  if (version === 1 || windows === null) return;
  if (!isObject(noise)) return add(`${path}.noise`, 'expected the noise levels of every method');
  const methods: readonly string[] = sketch.kind === 'numeric' ? NUMERIC_METHODS : CATEGORICAL_METHODS;
  for (const key of Object.keys(noise)) {
    if (!methods.includes(key)) add(`${path}.noise.${key}`, `not a method of a ${String(sketch.kind)} sketch (${methods.join(', ')})`);
  }
  for (const method of methods) {
    const levels = noise[method];
    if (!isObject(levels)) {
      add(`${path}.noise.${method}`, 'expected { q99, q999 }');
      continue;
    }
    for (const key of ['q99', 'q999']) {
      const list = levels[key];
      const inRange = (x: unknown): boolean =>
        typeof x === 'number' && Number.isFinite(x) && x >= 0 && (method !== 'chi2_pvalue' || x <= 1);
      if (!Array.isArray(list) || list.length !== windows || !list.every(inRange)) {
        const range = method === 'chi2_pvalue' ? 'p-values in [0, 1]' : 'finite numbers >= 0';
        add(`${path}.noise.${method}.${key}`, `expected ${windows} levels (one per noise.windows), ${range}`);
      }
    }
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWholeAtLeast(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}
