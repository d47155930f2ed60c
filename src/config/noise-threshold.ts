// min_samples so low that a score's noise level is above the method's threshold: a window of
// min_samples stationary values then reaches the threshold by chance more often than the
// noise quantile allows, so the noise level, not the threshold, is what a score must beat
// until the window grows. One line per method, naming the features (worst first) with their
// noise level at min_samples and the window size from which it is below the threshold.
// chi2_pvalue is left out: a p-value's noise level is about 1 - noise_quantile at any n.
import type { FeatureSketch, NoiseLevels, Reference } from '../reference/types.js';
import { driftIsLow, noiseCrossing, noiseLevelAt } from '../stats/noise-level.js';
import { problem, type Problem } from './problems.js';
import type { DriftMethod, ModelConfig } from './types.js';

/** Features named per line; the rest are counted. */
const NAMED = 6;

interface Excess {
  name: string;
  level: number;
  /** Window size from which the level is below the threshold; null: not within the grid (10^6). */
  from: number | null;
}

export function noiseThresholdWarnings(model: ModelConfig, reference: Reference): Problem[] {
  const grid = reference.noise;
  if (grid === undefined) return [];
  const { min_samples: minSamples, thresholds, noise_quantile: quantile } = model.drift;
  const columns: [string, FeatureSketch | undefined][] = [
    ...model.features.map((f): [string, FeatureSketch | undefined] => [f.name, reference.features[f.name]]),
    ['(prediction)', reference.prediction],
  ];
  const byMethod = new Map<DriftMethod, Excess[]>();
  for (const [name, sketch] of columns) {
    const stored = sketch?.noise as Partial<Record<DriftMethod, NoiseLevels>> | undefined;
    if (stored === undefined) continue;
    for (const [method, pair] of Object.entries(stored) as [DriftMethod, NoiseLevels][]) {
      if (driftIsLow(method)) continue;
      const levels = quantile === 0.99 ? pair.q99 : pair.q999;
      const level = noiseLevelAt(grid.windows, levels, minSamples, false);
      if (!(level > thresholds[method])) continue;
      const list = byMethod.get(method) ?? [];
      list.push({ name, level, from: noiseCrossing(grid.windows, levels, thresholds[method], false) });
      byMethod.set(method, list);
    }
  }
  return [...byMethod].map(([method, excesses]) => problem(['drift', 'min_samples'], line(method, excesses, minSamples, thresholds[method], columns.length)));
}

function line(method: DriftMethod, excesses: Excess[], minSamples: number, threshold: number, slots: number): string {
  const order = (e: Excess): number => e.from ?? Infinity;
  excesses.sort((a, b) => order(b) - order(a) || b.level - a.level);
  const named = excesses.slice(0, NAMED).map((e) => `${e.name} ${round(e.level)} (${e.from === null ? 'above it up to n = 1,000,000' : `below from n ≈ ${e.from.toLocaleString('en-US')}`})`);
  if (excesses.length > NAMED) named.push(`${excesses.length - NAMED} more`);
  const worst = excesses[0].from;
  const advice = worst === null ? 'some stay above it at any window size (a small reference: its own sampling noise)' : `a window of ${worst.toLocaleString('en-US')} values clears it for all`;
  return (
    `at ${minSamples} values the ${method} noise level exceeds its threshold ${threshold} for ${excesses.length} of ${slots} ` +
    `(features and prediction): ${named.join(', ')}. Until a window is that large, ${method} drift must exceed the noise level, ` +
    `not just the threshold (${advice})`
  );
}

function round(x: number): string {
  return x === Infinity ? 'infinite' : String(Number(x.toPrecision(3)));
}
