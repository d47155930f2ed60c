// Advice about a model that loads and runs, but whose numbers may mislead: printed by
// `mlwatch config check` (the exit status stays 0) and logged by `mlwatch serve` at start-up.
// Each check is a pure function of the model's config and its loaded reference, and locates
// its warning by a path inside the model (the caller puts `models[i]` in front).
import type { Reference } from '../reference/types.js';
import { categoryCoverageWarnings } from './category-coverage.js';
import { chiSquareExpectedWarnings } from './chi-square-expected.js';
import { noiseMissingWarnings } from './noise-missing.js';
import { noiseThresholdWarnings } from './noise-threshold.js';
import { formatProblem, type Problem } from './problems.js';
import { performanceReferenceWarnings } from './performance-reference-warnings.js';
import { segmentReferenceWarnings } from './segment-reference-warnings.js';
import type { ModelConfig } from './types.js';

/** Warnings about one model and its reference; each message names the fix. */
export type ModelWarningCheck = (model: ModelConfig, reference: Reference) => Problem[];

const CHECKS: readonly ModelWarningCheck[] = [categoryCoverageWarnings, noiseMissingWarnings, noiseThresholdWarnings, chiSquareExpectedWarnings, segmentReferenceWarnings, performanceReferenceWarnings];

/** Every warning about the model at `models[modelIndex]`, as `models[i].path: message`. */
export function modelWarnings(model: ModelConfig, modelIndex: number, reference: Reference): string[] {
  return CHECKS.flatMap((check) => check(model, reference)).map((w) =>
    formatProblem({ path: ['models', modelIndex, ...w.path], message: w.message }),
  );
}
