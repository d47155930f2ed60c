// Rules for a model's segments and variants that a JSON Schema cannot say: a segment names a
// feature of the model, once; numeric segments need strictly increasing finite edges and the
// others none; variant names are unique and not the reserved __other__.
import { OTHER_CATEGORY } from '../reference/types.js';
import { describeValue, field, isFiniteNumber, problem, type PathSegment, type Problem } from './problems.js';

export function slicesProblems(model: unknown, at: PathSegment[]): Problem[] {
  return [...segmentsProblems(model, at), ...variantsProblems(field(model, 'variants'), [...at, 'variants'])];
}

function segmentsProblems(model: unknown, at: PathSegment[]): Problem[] {
  const segments = field(model, 'segments');
  if (!Array.isArray(segments)) return [];
  const features = field(model, 'features');
  const types = new Map<string, unknown>();
  if (Array.isArray(features)) {
    for (const feature of features) {
      const name = field(feature, 'name');
      if (typeof name === 'string') types.set(name, field(feature, 'type'));
    }
  }
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  segments.forEach((segment: unknown, k) => {
    const segmentAt = [...at, 'segments', k];
    const name = field(segment, 'feature');
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push(problem([...segmentAt, 'feature'], `segments[${first}] already slices by "${name}"; list each feature once`));
      return;
    }
    seen.set(name, k);
    if (!types.has(name)) {
      const known = [...types.keys()].slice(0, 10).join(', ');
      problems.push(problem([...segmentAt, 'feature'], `"${name}" is not a feature of this model (its features: ${known}); a segment slices by one of them`));
      return;
    }
    const type = types.get(name);
    const edges = field(segment, 'edges');
    if (type === 'numeric' && edges === undefined) {
      problems.push(problem(segmentAt, `"${name}" is numeric: give its segments as edges, e.g. { feature: ${name}, edges: [30, 50] } for (-Inf, 30], (30, 50], (50, +Inf)`));
    } else if (type !== 'numeric' && edges !== undefined) {
      problems.push(problem([...segmentAt, 'edges'], `only for numeric features ("${name}" is ${String(type)}, whose segments are its reference categories); remove edges`));
    } else if (Array.isArray(edges)) {
      problems.push(...edgesProblems(edges, [...segmentAt, 'edges']));
    }
  });
  return problems;
}

function edgesProblems(edges: unknown[], at: PathSegment[]): Problem[] {
  const problems: Problem[] = [];
  edges.forEach((edge, i) => {
    if (!isFiniteNumber(edge)) {
      if (typeof edge === 'number') problems.push(problem([...at, i], `must be a finite number (got ${describeValue(edge)})`));
      return;
    }
    const previous = edges[i - 1];
    if (i > 0 && isFiniteNumber(previous) && edge <= previous) {
      problems.push(problem([...at, i], `must be greater than the edge before it (${previous}); edges must be strictly increasing (got ${edge})`));
    }
  });
  return problems;
}

function variantsProblems(variants: unknown, at: PathSegment[]): Problem[] {
  const names = Array.isArray(variants) ? variants : field(variants, 'names');
  if (!Array.isArray(names)) return [];
  const path = Array.isArray(variants) ? at : [...at, 'names'];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  names.forEach((name: unknown, k) => {
    if (typeof name !== 'string') return;
    if (name === OTHER_CATEGORY) problems.push(problem([...path, k], `"${OTHER_CATEGORY}" is reserved for variants outside the list; rename this variant`));
    const first = seen.get(name);
    if (first !== undefined) problems.push(problem([...path, k], `duplicate variant "${name}" (first at index ${first})`));
    else seen.set(name, k);
  });
  const shadows = Array.isArray(variants) ? undefined : field(variants, 'shadows');
  if (Array.isArray(shadows)) {
    shadows.forEach((shadow: unknown, k) => {
      if (typeof shadow !== 'string') return;
      if (shadow === names[0]) problems.push(problem([...at, 'shadows', k], `"${shadow}" is the default variant (the first name); a shadow is another variant that scores the same requests`));
      else if (!seen.has(shadow)) problems.push(problem([...at, 'shadows', k], `"${shadow}" is not one of the variant names (${names.filter((n) => typeof n === 'string').join(', ')})`));
    });
  }
  return problems;
}
