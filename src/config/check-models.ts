// Rules across keys of the models that a JSON Schema cannot say: unique names, what a
// feature type or a task allows, min < max, reserved names, deploy times, window splits.
// Defensive like check-settings.ts: values of the wrong type were reported by the schema.
import { OTHER_CATEGORY } from '../reference/types.js';
import { deployTimeProblem } from './deploy-time.js';
import { scoreColumnsProblems } from './check-score-columns.js';
import { slicesProblems } from './check-slices.js';
import { DEFAULT_SPLIT, effectiveSplit, subWindowProblem } from './window-split.js';
import { FEATURE_TYPES, TASKS } from './schema.js';
import { describeValue, field, formatPath, isFiniteNumber, problem, type PathSegment, type Problem } from './problems.js';

const MAX_FEATURE_NAME_LENGTH = 128;
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const EMPTY_LABEL = 'must not be empty (Prometheus reads an empty label value as no label)';

export function modelsProblems(doc: unknown): Problem[] {
  const models = field(doc, 'models');
  if (!Array.isArray(models)) return [];
  const defaultsSplit = effectiveSplit(DEFAULT_SPLIT, field(field(doc, 'defaults'), 'drift'));
  const problems = duplicates(
    models.map((model) => field(model, 'name')),
    (i) => ['models', i, 'name'],
    'model name',
  );
  models.forEach((model: unknown, i) => {
    const at: PathSegment[] = ['models', i];
    problems.push(...featuresProblems(field(model, 'features'), at));
    problems.push(...classesProblems(model, at));
    problems.push(...slicesProblems(model, at));
    problems.push(...decisionThresholdProblems(model, at));
    problems.push(...scoreColumnsProblems(model, at, field(doc, 'defaults')));
    problems.push(...rangeProblems(field(field(model, 'prediction'), 'range'), [...at, 'prediction', 'range']));
    const deployedAt = field(model, 'deployed_at');
    const timeProblem = typeof deployedAt === 'string' ? deployTimeProblem(deployedAt) : undefined;
    if (timeProblem !== undefined) problems.push(problem([...at, 'deployed_at'], timeProblem));
    const drift = field(model, 'drift');
    const split = effectiveSplit(defaultsSplit, drift);
    const splitProblem = split && subWindowProblem(split, drift, [...at, 'drift']);
    if (splitProblem) problems.push(splitProblem);
  });
  return problems;
}

function featuresProblems(features: unknown, at: PathSegment[]): Problem[] {
  if (!Array.isArray(features)) return [];
  const problems = duplicates(
    features.map((feature) => field(feature, 'name')),
    (j) => [...at, 'features', j, 'name'],
    'feature name',
  );
  features.forEach((feature: unknown, j) => {
    const featureAt = [...at, 'features', j];
    const name = field(feature, 'name');
    const nameProblem = typeof name === 'string' ? featureNameProblem(name) : undefined;
    if (nameProblem !== undefined) problems.push(problem([...featureAt, 'name'], nameProblem));
    const type = known(field(feature, 'type'), FEATURE_TYPES);
    const label = typeof name === 'string' ? `"${name}"` : 'this feature';
    const range = field(feature, 'range');
    if (range !== undefined && type !== undefined && type !== 'numeric') {
      problems.push(problem([...featureAt, 'range'], `only allowed on numeric features (${label} is ${type})`));
    } else {
      problems.push(...rangeProblems(range, [...featureAt, 'range']));
    }
    const categories = field(feature, 'categories');
    if (categories !== undefined && type !== undefined && type !== 'categorical') {
      problems.push(problem([...featureAt, 'categories'], `only allowed on categorical features (${label} is ${type})`));
    } else {
      problems.push(...labelListProblems(categories, [...featureAt, 'categories'], 'category'));
    }
  });
  return problems;
}

function featureNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_FEATURE_NAME_LENGTH) return `is ${name.length} characters long; at most ${MAX_FEATURE_NAME_LENGTH} are allowed`;
  if (RESERVED_NAMES.has(name)) return `"${name}" is reserved (it clashes with JavaScript object keys); rename the feature`;
  if (name.startsWith('__')) return `must not start with "__", which is reserved for mlwatch's own names such as ${OTHER_CATEGORY} (got "${name}")`;
  return undefined;
}

function classesProblems(model: unknown, at: PathSegment[]): Problem[] {
  const task = known(field(model, 'task'), TASKS);
  const classes = field(model, 'classes');
  const path = [...at, 'classes'];
  if (task === undefined) return labelListProblems(classes, path, 'class');
  if (task === 'regression') {
    return classes === undefined ? [] : [problem(path, 'only allowed for classification tasks (task is regression); remove it')];
  }
  if (classes === undefined) {
    const what = task === 'binary_classification' ? 'the 2 class names as [negative, positive]' : 'the class names';
    return [problem(path, `is required for ${task}: list ${what}`)];
  }
  if (!Array.isArray(classes)) return [];
  const problems: Problem[] = [];
  if (task === 'binary_classification' && classes.length !== 2) {
    problems.push(problem(path, `must list exactly 2 classes, [negative, positive], for binary_classification (got ${classes.length})`));
  } else if (task === 'multiclass_classification' && classes.length < 2) {
    problems.push(problem(path, `must list at least 2 classes for multiclass_classification (got ${classes.length})`));
  }
  return [...problems, ...labelListProblems(classes, path, 'class')];
}

/** decision_threshold turns a binary score into a class; on any other task it would be silently ignored. */
function decisionThresholdProblems(model: unknown, at: PathSegment[]): Problem[] {
  const task = known(field(model, 'task'), TASKS);
  if (task === undefined || task === 'binary_classification' || field(field(model, 'prediction'), 'decision_threshold') === undefined) return [];
  const why =
    task === 'multiclass_classification'
      ? "a multiclass model's class is its label, else the argmax of its scores"
      : 'a regression model has no classes';
  return [problem([...at, 'prediction', 'decision_threshold'], `only used by binary_classification (${why}); remove it`)];
}

/** Class and category names become label values: non-empty, unique, not __other__. */
function labelListProblems(values: unknown, at: PathSegment[], noun: 'class' | 'category'): Problem[] {
  if (!Array.isArray(values)) return [];
  if (values.length === 0) {
    return noun === 'category'
      ? [problem(at, 'must list at least one category (or leave categories out to take them from the reference)')]
      : [];
  }
  const problems = duplicates(values, (k) => [...at, k], noun);
  values.forEach((value: unknown, k) => {
    if (value === OTHER_CATEGORY) {
      problems.push(problem([...at, k], `"${OTHER_CATEGORY}" is reserved for values outside the list; rename this ${noun}`));
    } else if (value === '') {
      problems.push(problem([...at, k], EMPTY_LABEL));
    }
  });
  return problems;
}

/** [min, max] with finite min < max; the schema checked the length and the types. */
function rangeProblems(range: unknown, at: PathSegment[]): Problem[] {
  if (!Array.isArray(range) || range.length !== 2) return [];
  const [min, max]: unknown[] = range;
  if (!isFiniteNumber(min) || !isFiniteNumber(max) || min < max) return [];
  return [problem(at, `must be [min, max] with min < max (got [${min}, ${max}])`)];
}

/** `duplicate NOUN "x" (first at PATH)` at every repeat of a string value. */
function duplicates(values: unknown[], pathOf: (index: number) => PathSegment[], noun: string): Problem[] {
  const firstIndex = new Map<string, number>();
  const problems: Problem[] = [];
  values.forEach((value, index) => {
    if (typeof value !== 'string') return;
    const first = firstIndex.get(value);
    if (first === undefined) firstIndex.set(value, index);
    else problems.push(problem(pathOf(index), `duplicate ${noun} ${describeValue(value)} (first at ${formatPath(pathOf(first))})`));
  });
  return problems;
}

function known<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find((candidate) => candidate === value);
}
