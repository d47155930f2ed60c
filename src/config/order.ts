// Problems in the order of the keys in the schema (the order a config file is usually
// written in), lists by index, so the report reads top to bottom like the file.
import { CONFIG_SCHEMA } from './schema.js';
import { field, isRecord, type PathSegment, type Problem } from './problems.js';

export function sortProblems(problems: readonly Problem[]): Problem[] {
  return problems
    .map((p, found) => ({ p, found }))
    .sort((a, b) => comparePaths(a.p.path, b.p.path) || a.found - b.found)
    .map((entry) => entry.p);
}

/** Lexicographic over segments, each compared by its place in the schema at that depth. */
function comparePaths(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  let schema: unknown = CONFIG_SCHEMA;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareSegments(a[i], b[i], schema);
    if (order !== 0) return order;
    schema = childSchema(schema, a[i]);
  }
  return a.length - b.length;
}

function compareSegments(a: PathSegment, b: PathSegment, schema: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  if (a === b) return 0;
  const properties = field(schema, 'properties');
  const keys = isRecord(properties) ? Object.keys(properties) : [];
  // Keys the schema does not know (typos) come after the known ones.
  const rank = (key: string): number => (keys.includes(key) ? keys.indexOf(key) : keys.length);
  return rank(a) - rank(b) || (a < b ? -1 : 1);
}

function childSchema(schema: unknown, segment: PathSegment): unknown {
  return typeof segment === 'number' ? field(schema, 'items') : field(field(schema, 'properties'), segment);
}
