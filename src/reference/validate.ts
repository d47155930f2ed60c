// Does a loaded reference fit the model the config describes? A reference built for
// another model, another feature list or other build parameters would give wrong drift
// numbers without any error, so every mismatch is reported.
import type { FeatureType, ModelConfig } from '../config/types.js';
import { segmentMismatches } from './segment-match.js';
import type { FeatureSketch, Reference } from './types.js';

export function checkReferenceMatchesModel(reference: Reference, model: ModelConfig): string[] {
  const rebuild = `rebuild the reference with "mlwatch reference build --model ${model.name}"`;
  const problems: string[] = [];
  if (reference.model !== model.name) {
    problems.push(`the reference was built for model "${reference.model}", not "${model.name}"; point the model at its own reference or ${rebuild}`);
  }
  for (const feature of model.features) {
    const sketch = Object.hasOwn(reference.features, feature.name) ? reference.features[feature.name] : undefined;
    if (sketch === undefined) {
      problems.push(`feature "${feature.name}" is configured but not in the reference; ${rebuild}`);
    } else if (sketch.kind !== sketchKindFor(feature.type)) {
      problems.push(`feature "${feature.name}" is ${feature.type} in the config but ${sketch.kind} in the reference; ${rebuild}`);
    }
  }
  const configured = new Set(model.features.map((feature) => feature.name));
  for (const name of Object.keys(reference.features)) {
    if (!configured.has(name)) problems.push(`the reference has feature "${name}", which the config does not list; ${rebuild}`);
  }
  problems.push(...predictionProblems(reference.prediction, model, rebuild));
  if (problems.length === 0) problems.push(...segmentMismatches(reference, model, rebuild));
  const build = model.reference_build;
  if (reference.bins !== build.bins) {
    problems.push(`the reference has ${reference.bins} bins per numeric feature, the config asks for ${build.bins} (reference_build.bins); ${rebuild}`);
  }
  if (reference.top_categories !== build.top_categories) {
    problems.push(
      `the reference keeps ${reference.top_categories} top categories, the config asks for ${build.top_categories} (reference_build.top_categories); ${rebuild}`,
    );
  }
  return problems;
}

function sketchKindFor(type: FeatureType): FeatureSketch['kind'] {
  return type === 'numeric' ? 'numeric' : 'categorical';
}

function predictionProblems(sketch: FeatureSketch, model: ModelConfig, rebuild: string): string[] {
  if (model.task === 'multiclass_classification') {
    if (sketch.kind !== 'categorical') {
      return [`the model is a multiclass classifier, but the reference's prediction is ${sketch.kind} (expected the predicted class); ${rebuild}`];
    }
    const classes = new Set(model.classes);
    const unknown = sketch.categories.map((c) => c.value).filter((value) => !classes.has(value));
    return unknown.length === 0
      ? []
      : [`the reference's predicted classes ${unknown.map((v) => JSON.stringify(v)).join(', ')} are not among the model's classes; ${rebuild}`];
  }
  if (sketch.kind !== 'numeric') {
    const what = model.task === 'regression' ? 'the predicted value' : 'the positive-class score';
    return [`the model's task is ${model.task}, but the reference's prediction is ${sketch.kind} (expected ${what}, numeric); ${rebuild}`];
  }
  return [];
}
