import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/config/types.js';
import { buildReference } from '../../src/reference/build.js';
import { referenceChecksum } from '../../src/reference/io.js';
import type { Reference } from '../../src/reference/types.js';
import { checkReferenceMatchesModel } from '../../src/reference/validate.js';
import { FIXTURES, makeModel } from './helpers.js';

const FEATURES = [
  { name: 'amount', type: 'numeric' as const },
  { name: 'city', type: 'categorical' as const },
  { name: 'member', type: 'boolean' as const },
];

let reference: Reference;
const model = makeModel({ features: FEATURES, predictionColumn: 'score' });

beforeAll(async () => {
  const built = await buildReference({ model, dataPath: join(FIXTURES, 'awkward.csv'), now: new Date(0) });
  reference = { ...built, checksum: referenceChecksum(built) };
});

const check = (changes: Partial<ModelConfig>): string[] => checkReferenceMatchesModel(reference, { ...model, ...changes });

describe('checkReferenceMatchesModel', () => {
  it('accepts the reference built for the model', () => {
    expect(check({})).toEqual([]);
  });

  it('reports another model name', () => {
    expect(check({ name: 'fraud' })).toEqual([expect.stringMatching(/built for model "credit", not "fraud"/)]);
  });

  it('reports a configured feature the reference lacks, and one the config does not list', () => {
    const problems = check({ features: [...model.features.slice(0, 2), { name: 'age', type: 'numeric', nullable: false }] });
    expect(problems).toEqual([
      expect.stringMatching(/feature "age" is configured but not in the reference; rebuild the reference with "mlwatch reference build --model credit"/),
      expect.stringMatching(/the reference has feature "member", which the config does not list; rebuild the reference/),
    ]);
  });

  it('reports a kind mismatch; boolean and categorical both take a categorical sketch', () => {
    const features = model.features.map((f) => (f.name === 'amount' ? { ...f, type: 'categorical' as const } : f.name === 'city' ? { ...f, type: 'boolean' as const } : f));
    expect(check({ features })).toEqual([expect.stringMatching(/feature "amount" is categorical in the config but numeric in the reference/)]);
  });

  it('reports a prediction that does not fit the task', () => {
    expect(check({ task: 'regression' })).toEqual([]);
    expect(check({ task: 'multiclass_classification', classes: ['a', 'b', 'c'] })).toEqual([
      expect.stringMatching(/multiclass classifier, but the reference's prediction is numeric/),
    ]);
    const categoricalPrediction: Reference = { ...reference, prediction: { kind: 'categorical', count: 5, missing: 0, invalid: 0, categories: [{ value: 'd', count: 5 }], other_count: 0 } };
    expect(checkReferenceMatchesModel(categoricalPrediction, model)).toEqual([expect.stringMatching(/task is binary_classification, but the reference's prediction is categorical/)]);
    expect(checkReferenceMatchesModel(categoricalPrediction, { ...model, task: 'multiclass_classification', classes: ['a', 'b'] })).toEqual([
      expect.stringMatching(/predicted classes "d" are not among the model's classes/),
    ]);
  });

  it('reports build parameters that differ from reference_build', () => {
    const problems = check({ reference_build: { ...model.reference_build, bins: 20, top_categories: 5 } });
    expect(problems).toEqual([
      expect.stringMatching(/10 bins per numeric feature, the config asks for 20 \(reference_build\.bins\)/),
      expect.stringMatching(/keeps 50 top categories, the config asks for 5 \(reference_build\.top_categories\)/),
    ]);
  });
});
