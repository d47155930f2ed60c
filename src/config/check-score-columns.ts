// reference_build.score_columns: one score column per class of a multiclass model, by class
// name. The schema checks the shape; which names must be there needs the model's classes.
// A score_columns of `defaults` applies to every model that has none of its own, so it is
// checked against each such model.
import { TASKS } from './schema.js';
import { closest, field, isRecord, problem, type PathSegment, type Problem } from './problems.js';

export function scoreColumnsProblems(model: unknown, at: PathSegment[], defaults: unknown): Problem[] {
  const own = field(field(model, 'reference_build'), 'score_columns');
  const inherited = own === undefined ? field(field(defaults, 'reference_build'), 'score_columns') : undefined;
  const columns = own ?? inherited;
  if (!isRecord(columns)) return [];
  const path: PathSegment[] = own !== undefined ? [...at, 'reference_build', 'score_columns'] : ['defaults', 'reference_build', 'score_columns'];
  const where = own !== undefined ? '' : ` (inherited by models[${String(at[1])}])`;
  const task = field(model, 'task');
  if (typeof task !== 'string' || !(TASKS as readonly string[]).includes(task)) return [];
  if (task !== 'multiclass_classification') {
    if (own === undefined) return [];
    const why = task === 'binary_classification' ? "a binary model's score is its prediction_column" : 'a regression model has no classes';
    return [problem(path, `only used by multiclass_classification (${why}); remove it`)];
  }
  const classes = field(model, 'classes');
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) return [];
  const names = classes as string[];
  const problems: Problem[] = [];
  const missing = names.filter((name) => !Object.hasOwn(columns, name));
  if (missing.length > 0) {
    problems.push(
      problem(path, `has no score column for class${missing.length > 1 ? 'es' : ''} ${missing.map((m) => JSON.stringify(m)).join(', ')}${where}: every class of the model needs the column of its score`),
    );
  }
  for (const key of Object.keys(columns)) {
    if (names.includes(key)) continue;
    const near = closest(key, names);
    const hint = near === undefined ? '' : `; did you mean "${near}"?`;
    problems.push(problem([...path, key], `"${key}" is not a class of the model${where} (classes: ${names.map((c) => JSON.stringify(c)).join(', ')})${hint}`));
  }
  return problems;
}
