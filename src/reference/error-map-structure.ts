// Structural validation of a reference's optional error_map (a regression's label-free error
// estimate): one finite, non-negative row count, expected |e| and expected e² per fine bin of
// the prediction. What the monitor's lookups rely on; an invalid one is a reference problem,
// not a crash at start-up.
type Json = Record<string, unknown>;

export function errorMapProblems(value: unknown, prediction: unknown): string[] {
  if (value === undefined) return [];
  const at = 'error_map';
  if (!isObject(value)) return [`${at}: expected an object`];
  const fineEdges = isObject(prediction) && Array.isArray(prediction.fine_edges) ? prediction.fine_edges.length : null;
  if (fineEdges === null) return [`${at}: the prediction has no fine bins (an error map needs a numeric prediction)`];
  const bins = fineEdges + 1;
  const problems: string[] = [];
  if (value.method !== 'binned_residuals') problems.push(`${at}.method: expected "binned_residuals"`);
  if (!isNonNegative(value.prior_rows)) problems.push(`${at}.prior_rows: expected a non-negative number`);
  for (const key of ['rows', 'absolute', 'squared'] as const) {
    const list = value[key];
    if (!Array.isArray(list) || list.length !== bins || !list.every(isNonNegative)) {
      problems.push(`${at}.${key}: expected ${bins} finite non-negative numbers, one per fine bin of the prediction`);
    }
  }
  return problems;
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
