// Warnings for configured categories that leave out training values: the share is the exact
// sum of the left-out reference counts over the reference's non-null values.
import { describe, expect, it } from 'vitest';
import { categoryCoverageWarnings } from '../../src/config/category-coverage.js';
import { DEFAULT_DRIFT } from '../../src/config/defaults.js';
import { modelWarnings } from '../../src/config/model-warnings.js';
import type { FeatureConfig, ModelConfig } from '../../src/config/types.js';
import type { CategoricalSketch, Reference } from '../../src/reference/types.js';

function sketch(categories: [string, number][], other: number): CategoricalSketch {
  const inTop = categories.reduce((sum, [, count]) => sum + count, 0);
  return { kind: 'categorical', count: inTop + other, missing: 7, invalid: 0, categories: categories.map(([value, count]) => ({ value, count })), other_count: other };
}

function fixture(feature: Partial<FeatureConfig>, country: CategoricalSketch): { model: ModelConfig; reference: Reference } {
  const model = {
    name: 'credit',
    segments: [],
    drift: DEFAULT_DRIFT,
    features: [{ name: 'age', type: 'numeric', nullable: false }, { name: 'country', type: 'categorical', nullable: false, ...feature }],
  } as unknown as ModelConfig;
  const reference = { features: { country } } as unknown as Reference;
  return { model, reference };
}

describe('categoryCoverageWarnings', () => {
  const country = sketch([['DE', 500], ['FR', 300], ['ES', 150], ['IT', 40]], 10);

  it('names the share of reference values outside the categories, with the categories left out', () => {
    const { model, reference } = fixture({ categories: ['DE', 'FR'] }, country);
    const [warning, ...rest] = categoryCoverageWarnings(model, reference);
    expect(rest).toEqual([]);
    expect(warning.path).toEqual(['features', 1, 'categories']);
    // (150 + 40 + 10) / 1000: every allowed category is a top one, so __other__ is outside too.
    expect(warning.message).toContain('leaves out 20.0% of the reference\'s "country" values');
    expect(warning.message).toContain('"ES" 15.0%, "IT" 4.0%');
    expect(warning.message).toContain("values beyond the reference's top 4 categories 1.0%");
  });

  it('says "at least" when an allowed category is not among the top ones (it may hide in __other__)', () => {
    const { model, reference } = fixture({ categories: ['DE', 'FR', 'ES', 'PT'] }, country);
    const [warning] = categoryCoverageWarnings(model, reference);
    expect(warning.message).toContain('leaves out at least 4.0%');
  });

  it('is silent when the categories hold all but less than 1% of the values, or are not configured', () => {
    const almostAll = sketch([['DE', 500], ['FR', 300], ['ES', 150], ['IT', 41]], 9); // 9 / 1000 outside
    expect(categoryCoverageWarnings(...args(fixture({ categories: ['DE', 'FR', 'ES', 'IT'] }, almostAll)))).toEqual([]);
    expect(categoryCoverageWarnings(...args(fixture({ categories: ['DE', 'FR', 'ES', 'IT'] }, country)))).toHaveLength(1); // exactly 1%
    expect(categoryCoverageWarnings(...args(fixture({}, country)))).toEqual([]);
  });

  it('is located under the model by modelWarnings', () => {
    const { model, reference } = fixture({ categories: ['DE'] }, country);
    expect(modelWarnings(model, 3, reference)[0]).toMatch(/^models\[3\]\.features\[1\]\.categories: leaves out 50\.0%/);
  });
});

function args(f: { model: ModelConfig; reference: Reference }): [ModelConfig, Reference] {
  return [f.model, f.reference];
}
