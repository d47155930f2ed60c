// Rules across keys of each model's `kserve:` section that a JSON Schema cannot say: columns
// name the model's features once each, no two models claim the same InferenceService, and
// the prediction mapping fits the task. Defensive like check-models.ts: values of the wrong
// type were reported by the schema already.
import { TASKS } from './schema.js';
import { describeValue, field, formatPath, problem, type PathSegment, type Problem } from './problems.js';

const TASK_MAPPINGS: Record<string, readonly string[]> = {
  regression: ['auto', 'value'],
  binary_classification: ['auto', 'score', 'label', 'class_index', 'scores'],
  multiclass_classification: ['auto', 'label', 'class_index', 'scores'],
};

export function kserveProblems(doc: unknown): Problem[] {
  const models = field(doc, 'models');
  if (!Array.isArray(models)) return [];
  const problems: Problem[] = [];
  const claimed = new Map<string, PathSegment[]>();
  models.forEach((model: unknown, i) => {
    const at: PathSegment[] = ['models', i, 'kserve'];
    const kserve = field(model, 'kserve');
    const explicit = field(kserve, 'inference_service');
    const name = typeof explicit === 'string' ? explicit : field(model, 'name');
    if (typeof name === 'string') {
      const path = typeof explicit === 'string' ? [...at, 'inference_service'] : ['models', i, 'name'];
      const first = claimed.get(name);
      if (first === undefined) claimed.set(name, path);
      // Two models of the same name are reported as such by check-models.
      else if (typeof explicit === 'string' || first.at(-1) === 'inference_service') problems.push(problem(path, `InferenceService "${name}" is already the one of ${formatPath(first)}; each InferenceService maps to one model (set kserve.inference_service)`));
    }
    problems.push(...columnsProblems(field(kserve, 'columns'), field(model, 'features'), [...at, 'columns']));
    const mapping = field(kserve, 'prediction');
    const task = TASKS.find((t) => t === field(model, 'task'));
    if (typeof mapping === 'string' && task !== undefined && !TASK_MAPPINGS[task].includes(mapping)) {
      problems.push(problem([...at, 'prediction'], `${describeValue(mapping)} does not fit ${task}; use one of ${TASK_MAPPINGS[task].join(', ')}`));
    }
  });
  return problems;
}

function columnsProblems(columns: unknown, features: unknown, at: PathSegment[]): Problem[] {
  if (!Array.isArray(columns)) return [];
  const names = new Set(Array.isArray(features) ? features.map((f: unknown) => field(f, 'name')).filter((n) => typeof n === 'string') : []);
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  columns.forEach((column: unknown, k) => {
    if (typeof column !== 'string') return;
    const first = seen.get(column);
    if (first !== undefined) {
      problems.push(problem([...at, k], `duplicate column "${column}" (first at ${formatPath([...at, first])})`));
      return;
    }
    seen.set(column, k);
    if (names.size > 0 && !names.has(column)) {
      problems.push(problem([...at, k], `"${column}" is not a feature of this model; columns name the model's features in the order of its input`));
    }
  });
  return problems;
}
