// Structural validation of a reference's optional class_calibration (multiclass CBPE): per
// class its name, strictly increasing finite score edges, one probability in [0, 1] per score
// bin, and the gate's decision. What the monitor's lookups rely on; an invalid one is a
// reference problem, not a crash at start-up.
type Json = Record<string, unknown>;

export function classCalibrationProblems(value: unknown): string[] {
  if (value === undefined) return [];
  const at = 'class_calibration';
  if (!isObject(value) || !Array.isArray(value.classes)) return [`${at}: expected an object with a classes list`];
  const problems: string[] = [];
  value.classes.forEach((entry: unknown, k) => {
    const path = `${at}.classes[${k}]`;
    if (!isObject(entry)) return problems.push(`${path}: expected an object`);
    if (typeof entry.class !== 'string' || entry.class === '') problems.push(`${path}.class: expected the class name`);
    if (typeof entry.used !== 'boolean') problems.push(`${path}.used: expected true or false`);
    const { edges, map } = entry;
    if (!isNumberList(edges) || edges.some((e, i) => i > 0 && !(e > edges[i - 1]))) {
      problems.push(`${path}.edges: expected strictly increasing finite numbers`);
    } else if (!isNumberList(map) || map.length !== edges.length + 1 || map.some((p) => p < 0 || p > 1)) {
      problems.push(`${path}.map: expected ${edges.length + 1} probabilities in [0, 1], one per score bin`);
    }
    return undefined;
  });
  return problems;
}

function isNumberList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
