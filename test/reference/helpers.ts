// Shared by the reference tests: a model config, CSV/JSONL writers with proper quoting,
// seeded data generation and exact statistics to compare the sketch with.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureConfig, ModelConfig, Task } from '../../src/config/types.js';
import { DEFAULT_DRIFT, DEFAULT_REFERENCE_BUILD } from '../../src/config/defaults.js';

export { seededRandom } from '../../src/reference/seeded-random.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/reference/', import.meta.url));

export function makeModel(options: {
  name?: string;
  task?: Task;
  classes?: string[];
  features: Pick<FeatureConfig, 'name' | 'type'>[];
  bins?: number;
  topCategories?: number;
  predictionColumn?: string;
  naValues?: readonly string[];
}): ModelConfig {
  const task = options.task ?? 'binary_classification';
  return {
    name: options.name ?? 'credit',
    kserve: { inference_service: options.name ?? 'credit', logger_mode: 'all', prediction: 'auto' },
    task,
    classes: options.classes ?? (task === 'binary_classification' ? ['no', 'yes'] : []),
    version: '1.0.0',
    reference: 'reference.json',
    features: options.features.map((f) => ({ ...f, nullable: true })),
    prediction: { decision_threshold: 0.5 },
    drift: DEFAULT_DRIFT,
    reference_build: {
      bins: options.bins ?? DEFAULT_REFERENCE_BUILD.bins,
      top_categories: options.topCategories ?? DEFAULT_REFERENCE_BUILD.top_categories,
      prediction_column: options.predictionColumn ?? 'prediction',
      min_segment_rows: DEFAULT_REFERENCE_BUILD.min_segment_rows,
      na_values: [...(options.naValues ?? DEFAULT_REFERENCE_BUILD.na_values)],
    },
    max_versions: 5,
    segments: [],
    variants: { names: [], shadows: [], pairing_ttl_seconds: 60, max_pending_pairs: 100_000 },
    max_cells: 64,
    label_ttl_seconds: 86_400,
    max_pending_labels: 100_000,
  };
}

/** RFC 4180 quoting: quote a field holding a comma, quote or line break (and a row's lone empty field). */
export function csvField(field: string, aloneInRow = false): string {
  const needsQuotes = /[",\r\n]/.test(field) || field.startsWith('\uFEFF') || (aloneInRow && field === '');
  return needsQuotes ? `"${field.replaceAll('"', '""')}"` : field;
}

export function csvText(rows: string[][], lineEnd = '\n'): string {
  return rows.map((row) => row.map((f) => csvField(f, row.length === 1)).join(',') + lineEnd).join('');
}

/** Splits bytes at the given offsets (any byte, even inside a UTF-8 character). */
export function splitBytes(bytes: Buffer, cuts: number[]): Buffer[] {
  const offsets = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of offsets) {
    chunks.push(bytes.subarray(start, offset));
    start = offset;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mlwatch-reference-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Standard normal by Box-Muller from a uniform generator. */
export function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export function exactSummary(values: number[]): { count: number; mean: number; std: number; min: number; max: number } {
  const count = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / count;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / count;
  return { count, mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

/** Share of `sorted` values at or below x (the empirical CDF). */
export function empiricalCdf(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

/** Counts of values per category, most frequent first, ties by name. */
export function rankedCounts(values: string[]): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** The model of the fixture files (awkward.csv, python-written.jsonl): prediction column "score". */
export function fixtureModel(task: 'binary_classification' | 'multiclass_classification' = 'binary_classification'): ModelConfig {
  return makeModel({
    features: [
      { name: 'amount', type: 'numeric' },
      { name: 'city', type: 'categorical' },
      { name: 'member', type: 'boolean' },
    ],
    task,
    classes: task === 'binary_classification' ? ['no', 'yes'] : ['a', 'b', 'c'],
    predictionColumn: 'score',
  });
}
