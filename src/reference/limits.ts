// The largest reference mlwatch loads. A file within these limits lays out in memory and in
// /metrics as its build intended; one beyond them (hand-made, or from another tool) would make
// start-up fail deep inside (a bin lookup holds 16-bit offsets, a category code 16 bits) or
// export thousands of series per feature. Checked before anything else reads the sizes, each
// excess reported as its own line naming the place and the limit.

/** What `mlwatch reference build` can make, with room: ~220 fine edges, bins <= 100, top_categories <= 1000. */
export const REFERENCE_LIMITS = {
  /** Fine edges per numeric sketch (the builder writes 200 plus about 2·log2(rows / 400)). */
  fineEdges: 1024,
  /** Coarse edges: reference_build.bins is at most 100, so 101 edges. */
  coarseEdges: 101,
  /** Categories per categorical sketch (top_categories is at most 1000), __other__ not counted. */
  categories: 1000,
  /** Window sizes of the noise grid (the builder writes 13). */
  noiseWindows: 64,
} as const;

type Json = Record<string, unknown>;

/** One line per size beyond its limit, as `path has N …; at most M`. */
export function referenceLimitProblems(value: unknown): string[] {
  if (!isObject(value)) return [];
  const problems: string[] = [];
  const over = (path: string, list: unknown, limit: number, what: string): void => {
    if (Array.isArray(list) && list.length > limit) {
      problems.push(`${path} has ${list.length} ${what}; mlwatch reads at most ${limit}`);
    }
  };
  const sketch = (path: string, s: unknown): void => {
    if (!isObject(s)) return;
    over(`${path}.fine_edges`, s.fine_edges, REFERENCE_LIMITS.fineEdges, 'fine edges');
    over(`${path}.edges`, s.edges, REFERENCE_LIMITS.coarseEdges, 'edges (reference_build.bins is at most 100)');
    over(`${path}.categories`, s.categories, REFERENCE_LIMITS.categories, 'categories (reference_build.top_categories is at most 1000)');
  };
  if (isObject(value.features)) for (const [name, s] of Object.entries(value.features)) sketch(`features.${name}`, s);
  sketch('prediction', value.prediction);
  if (isObject(value.noise)) over('noise.windows', value.noise.windows, REFERENCE_LIMITS.noiseWindows, 'window sizes');
  return problems;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
