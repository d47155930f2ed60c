// The model warnings about noise and sample sizes: a reference without noise levels; a
// min_samples at which a method's noise level is above its threshold (grouped: one line per
// method, however many features); categories the chi-square test pools at min_samples.
import { describe, expect, it } from 'vitest';
import { chiSquareExpectedWarnings } from '../../src/config/chi-square-expected.js';
import { DEFAULT_DRIFT } from '../../src/config/defaults.js';
import { modelWarnings } from '../../src/config/model-warnings.js';
import { noiseMissingWarnings } from '../../src/config/noise-missing.js';
import { noiseThresholdWarnings } from '../../src/config/noise-threshold.js';
import type { FeatureConfig, ModelConfig } from '../../src/config/types.js';
import type { CategoricalSketch, NoiseLevels, NumericSketch, Reference } from '../../src/reference/types.js';
import { noiseCrossing } from '../../src/stats/noise-level.js';

const WINDOWS = [30, 100, 1000, 10_000];

/** Levels scale / sqrt(n) at every window size (q99 a little lower). */
function levels(scale: number): NoiseLevels {
  return { q99: WINDOWS.map((n) => (0.8 * scale) / Math.sqrt(n)), q999: WINDOWS.map((n) => scale / Math.sqrt(n)) };
}

function numeric(scale: number): NumericSketch {
  return {
    kind: 'numeric',
    summary: { count: 1000, missing: 0, invalid: 0, mean: 0, std: 1, min: 0, max: 1 },
    digest: [],
    edges: [0, 1],
    counts: [10, 990, 0],
    fine_edges: [0, 1],
    fine_counts: [10, 990, 0],
    // PSI falls as 1/n in truth; a 1/sqrt(n) stand-in keeps the arithmetic of the test simple.
    noise: { psi: levels(scale * 2), jensen_shannon: levels(scale), wasserstein_normalized: levels(scale), ks: levels(0.1) },
  };
}

function categorical(counts: [string, number][], other: number): CategoricalSketch {
  const total = counts.reduce((a, [, c]) => a + c, 0) + other;
  return {
    kind: 'categorical',
    count: total,
    missing: 0,
    invalid: 0,
    categories: counts.map(([value, count]) => ({ value, count })),
    other_count: other,
    noise: { psi: levels(0.1), jensen_shannon: levels(0.1), chi2_pvalue: { q99: WINDOWS.map(() => 0.01), q999: WINDOWS.map(() => 0.001) }, chebyshev: levels(0.1) },
  };
}

function model(features: FeatureConfig[], minSamples = 100): ModelConfig {
  return { name: 'm', features, segments: [], drift: { ...DEFAULT_DRIFT, min_samples: minSamples } } as unknown as ModelConfig;
}

function reference(features: Record<string, NumericSketch | CategoricalSketch>, prediction: NumericSketch | CategoricalSketch, withNoise = true): Reference {
  return { format_version: withNoise ? 2 : 1, features, prediction, ...(withNoise ? { noise: { windows: WINDOWS, replicates: 2000 } } : {}) } as unknown as Reference;
}

describe('noiseThresholdWarnings', () => {
  it('one line per method, features worst first with their level at min_samples and the n from which it clears', () => {
    // JS threshold 0.1: scale 2 → 0.2 at n = 100, below 0.1 from n = 400, but between grid sizes the
    // level is the larger bracket's, so it clears at the first grid size below: 1,000.
    const features: FeatureConfig[] = [
      { name: 'a', type: 'numeric', nullable: false },
      { name: 'b', type: 'numeric', nullable: false },
    ];
    const warnings = noiseThresholdWarnings(model(features), reference({ a: numeric(1.5), b: numeric(2) }, numeric(0.5)));
    const byMethod = new Map(warnings.map((w) => [/the (\w+) noise level/.exec(w.message)?.[1], w]));
    // KS (0.1 / sqrt(n)) is under its 0.1 threshold at 100; the prediction (scale 0.5) under JS's.
    expect([...byMethod.keys()].sort()).toEqual(['jensen_shannon', 'psi', 'wasserstein_normalized']);
    const js = byMethod.get('jensen_shannon');
    expect(js?.path).toEqual(['drift', 'min_samples']);
    const from = (scale: number) => noiseCrossing(WINDOWS, levels(scale).q999, 0.1, false);
    expect(from(2)).toBe(1000);
    expect(js?.message).toBe(
      'at 100 values the jensen_shannon noise level exceeds its threshold 0.1 for 2 of 3 (features and prediction): ' +
        'b 0.2 (below from n ≈ 1,000), a 0.15 (below from n ≈ 1,000). Until a window is that large, jensen_shannon drift must exceed ' +
        'the noise level, not just the threshold (a window of 1,000 values clears it for all)',
    );
  });

  it('a 50-feature model gets at most one line per method, six features named and the rest counted', () => {
    const features: FeatureConfig[] = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, type: 'numeric', nullable: false }));
    const sketches = Object.fromEntries(features.map((f, i) => [f.name, numeric(1.2 + i / 100)]));
    const warnings = noiseThresholdWarnings(model(features), reference(sketches, numeric(0.5)));
    expect(warnings.length).toBeLessThanOrEqual(4);
    const js = warnings.find((w) => w.message.includes('jensen_shannon')) as { message: string };
    expect(js.message).toMatch(/for 50 of 51 \(features and prediction\): f49 .*, 44 more\. /);
    expect(js.message.match(/below from n/g)).toHaveLength(6);
  });

  it('says when a level stays above the threshold over the whole grid (a tiny reference)', () => {
    const stuck = numeric(1);
    (stuck.noise as Record<string, NoiseLevels>).jensen_shannon = { q99: WINDOWS.map(() => 0.2), q999: WINDOWS.map(() => 0.3) };
    const [js] = noiseThresholdWarnings(model([{ name: 'a', type: 'numeric', nullable: false }]), reference({ a: stuck }, numeric(0.1))).filter((w) => w.message.includes('jensen_shannon'));
    expect(js.message).toContain('a 0.3 (above it up to n = 1,000,000)');
    expect(js.message).toContain('some stay above it at any window size');
  });

  it('nothing when min_samples is large enough, or without noise levels; chi2_pvalue never', () => {
    const features: FeatureConfig[] = [{ name: 'c', type: 'categorical', nullable: false }];
    const sketch = categorical([['x', 500], ['y', 500]], 0);
    expect(noiseThresholdWarnings(model(features, 5000), reference({ c: sketch }, numeric(0.1)))).toEqual([]);
    expect(noiseThresholdWarnings(model(features, 30), reference({ c: sketch }, numeric(0.1), false))).toEqual([]);
    expect(noiseThresholdWarnings(model(features, 30), reference({ c: sketch }, numeric(0.1))).some((w) => w.message.includes('chi2'))).toBe(false);
  });
});

describe('chiSquareExpectedWarnings', () => {
  it('names the features with categories expecting fewer than 5 at min_samples, and the n from which all reach 5', () => {
    const features: FeatureConfig[] = [
      { name: 'country', type: 'categorical', nullable: false },
      { name: 'plan', type: 'categorical', nullable: false },
      { name: 'flag', type: 'boolean', nullable: false },
    ];
    const sketches = {
      // 3% and 1% at min_samples 100: 3 and 1 expected; __other__ has no reference count (not counted).
      country: categorical([['DE', 700], ['FR', 260], ['ES', 30], ['PT', 10]], 0),
      plan: categorical([['a', 960], ['b', 40]], 0),
      flag: categorical([['true', 500], ['false', 500]], 0),
    };
    const [warning] = chiSquareExpectedWarnings(model(features), reference(sketches, numeric(0.1)));
    expect(warning.path).toEqual(['drift', 'min_samples']);
    expect(warning.message).toBe(
      'at 100 values some categories expect fewer than 5 (country 2 of 4 (all from n ≈ 500), plan 1 of 2 (all from n ≈ 125)): ' +
        "chi2_pvalue pools them (Cochran's rule), so it cannot judge them one by one in windows that small",
    );
    expect(chiSquareExpectedWarnings(model(features, 500), reference(sketches, numeric(0.1)))).toEqual([]);
  });
});

describe('noiseMissingWarnings', () => {
  it('a reference without noise levels is a warning at models[i].reference, through modelWarnings', () => {
    const features: FeatureConfig[] = [{ name: 'a', type: 'numeric', nullable: false }];
    const old = reference({ a: numeric(1) }, numeric(1), false);
    expect(noiseMissingWarnings(model(features), old)).toHaveLength(1);
    expect(modelWarnings(model(features), 2, old).filter((w) => w.startsWith('models[2].reference: the reference (format_version 1) has no noise levels'))).toHaveLength(1);
    expect(noiseMissingWarnings(model(features), reference({ a: numeric(1) }, numeric(1)))).toEqual([]);
  });
});
