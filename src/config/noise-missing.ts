// A reference without noise levels (format_version 1, built before mlwatch stored them):
// it loads and runs, but drift decisions then use the threshold alone, which judges a
// window of a few hundred stationary values drifted much of the time.
import type { Reference } from '../reference/types.js';
import { problem, type Problem } from './problems.js';
import type { ModelConfig } from './types.js';

export function noiseMissingWarnings(model: ModelConfig, reference: Reference): Problem[] {
  if (reference.noise !== undefined) return [];
  return [
    problem(
      ['reference'],
      `the reference (format_version ${reference.format_version}) has no noise levels: drift decisions use the thresholds alone, ` +
        'so small stationary windows are often declared drifted (Jensen-Shannon >= 0.1 in ~80% of 100-value windows), and ' +
        `mlwatch_feature_drift_noise is not exported. Rebuild it: mlwatch reference build --model ${model.name} ...`,
    ),
  ];
}
