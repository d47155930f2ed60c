// Test helper: a Reference made directly from raw arrays with exact quantiles, so
// monitor and metrics tests don't depend on the t-digest build.
import { DEFAULT_INGEST, DEFAULT_METRICS } from '../../src/config/defaults.js';
import type { Config, ModelConfig } from '../../src/config/types.js';
import { binIndex } from '../../src/stats/bins.js';
import { noiseGrid } from '../../src/reference/noise.js';
import { estimateNoise } from '../../src/reference/noise-pool.js';
import {
  FINE_BINS,
  REFERENCE_FORMAT,
  type CategoricalSketch,
  type NumericSketch,
  type Reference,
} from '../../src/reference/types.js';

export function exactEdges(sorted: number[], bins: number): number[] {
  const edges = [sorted[0]];
  for (let i = 1; i < bins; i++) edges.push(sorted[Math.floor((i / bins) * (sorted.length - 1))]);
  edges.push(sorted[sorted.length - 1]);
  return [...new Set(edges)].sort((a, b) => a - b);
}

export function countBins(values: number[], edges: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) counts[binIndex(edges, v)]++;
  return counts;
}

export function numericSketch(values: number[], bins = 10): NumericSketch {
  const sorted = [...values].sort((a, b) => a - b);
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const edges = exactEdges(sorted, bins);
  const fine = [...new Set([...edges, ...exactEdges(sorted, FINE_BINS)])].sort((a, b) => a - b);
  return {
    kind: 'numeric',
    summary: { count: n, missing: 0, invalid: 0, mean, std, min: sorted[0], max: sorted[n - 1] },
    digest: [],
    edges,
    counts: countBins(values, edges),
    fine_edges: fine,
    fine_counts: countBins(values, fine),
  };
}

export function categoricalSketch(values: string[]): CategoricalSketch {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const categories = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([value, count]) => ({ value, count }));
  return { kind: 'categorical', count: values.length, missing: 0, invalid: 0, categories, other_count: 0 };
}

export function syntheticReference(
  model: ModelConfig,
  features: Record<string, NumericSketch | CategoricalSketch>,
  prediction: NumericSketch | CategoricalSketch,
): Reference {
  return {
    format: REFERENCE_FORMAT,
    // Format 1's shape: the first edge is the minimum, no within-bin offsets, and no noise levels
    // (threshold-only decisions) unless withNoiseLevels adds them.
    format_version: 1,
    model: model.name,
    created_at: '2026-11-01T00:00:00.000Z',
    source: 'synthetic',
    rows: prediction.kind === 'numeric' ? prediction.summary.count : prediction.count,
    bins: model.reference_build.bins,
    fine_bins: FINE_BINS,
    top_categories: model.reference_build.top_categories,
    features,
    prediction,
    checksum: 'synthetic',
  };
}

/** The reference as format_version 2, with the noise levels the builder would simulate (real simulation, seeded). */
export async function withNoiseLevels(reference: Reference): Promise<Reference> {
  const grid = noiseGrid();
  const names = [...Object.keys(reference.features), ''];
  const sketches = [...Object.values(reference.features), reference.prediction];
  const noise = await estimateNoise(sketches.map((sketch, i) => ({ sketch, seed: 1000 + i * 7919 + names[i].length })), grid);
  const withNoise = sketches.map((sketch, i) => ({ ...sketch, noise: noise[i] }) as NumericSketch | CategoricalSketch);
  return {
    ...reference,
    format_version: 2,
    noise: grid,
    features: Object.fromEntries(names.slice(0, -1).map((name, i) => [name, withNoise[i]])),
    prediction: withNoise[withNoise.length - 1],
  };
}

/** A model config with the defaults the loader would fill, for tests that skip YAML. */
export function testModel(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    name: 'shop',
    task: 'binary_classification',
    classes: ['no', 'yes'],
    version: '1.0.0',
    deployed_at: '2026-11-01T00:00:00Z',
    reference: '/nonexistent/reference.json',
    features: [
      { name: 'price', type: 'numeric', nullable: false },
      { name: 'country', type: 'categorical', nullable: false },
      { name: 'returning', type: 'boolean', nullable: false },
    ],
    prediction: { decision_threshold: 0.5, range: [0, 1] },
    drift: {
      window_seconds: 60,
      sub_windows: 6,
      min_samples: 50,
      compute_interval_seconds: 1,
      decision_method: { numeric: 'psi', categorical: 'jensen_shannon' },
      thresholds: { psi: 0.2, jensen_shannon: 0.1, wasserstein_normalized: 0.1, ks: 0.1, chi2_pvalue: 0.01, chebyshev: 0.1 },
      noise_quantile: 0.999,
    },
    reference_build: { bins: 10, top_categories: 50, prediction_column: 'prediction', min_segment_rows: 200, na_values: [] },
    max_versions: 3,
    segments: [],
    variants: { names: [], shadows: [], pairing_ttl_seconds: 60, max_pending_pairs: 100_000 },
    max_cells: 64,
    label_ttl_seconds: 86_400,
    max_pending_labels: 100_000,
    kserve: { inference_service: 'shop', logger_mode: 'all', prediction: 'auto' },
    ...overrides,
  };
}

/** mulberry32: a small seeded PRNG so tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(random: () => number, mean = 0, std = 1): number {
  const u = 1 - random();
  const v = random();
  return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A whole Config around one test model, with the loader's defaults. */
export function testConfig(models: ModelConfig[] = [testModel()]): Config {
  return {
    source_path: '/nonexistent/mlwatch.yaml',
    ingest: { ...DEFAULT_INGEST, listen: { host: '127.0.0.1', port: 0 }, max_body_bytes: 64 * 1024, max_batch_events: 100, max_reported_errors: 3 },
    // No shutdown grace: in-process tests close sidecars they no longer scrape.
    metrics: { listen: { host: '127.0.0.1', port: 0 }, latency_buckets_seconds: [0.01, 0.1, 1], max_label_value_bytes: DEFAULT_METRICS.max_label_value_bytes, shutdown_grace_seconds: 0 },
    logging: { level: 'silent', log_feature_values: false },
    kserve: { pairing_ttl_seconds: 30, max_pending: 1000, max_pending_bytes: 1024 * 1024 },
    checkpoint_interval_seconds: 60,
    label_store: { backend: 'memory', key_prefix: 'mlwatch:' },
    models,
  };
}

/** The synthetic reference of testModel(), from seeded data. */
export function testReference(model: ModelConfig = testModel()): Reference {
  const random = seededRandom(7);
  const n = 2000;
  const prices = Array.from({ length: n }, () => normal(random, 100, 15));
  const countries = Array.from({ length: n }, () => (random() < 0.5 ? 'DE' : random() < 0.6 ? 'FR' : 'US'));
  const returning = Array.from({ length: n }, () => (random() < 0.3 ? 'true' : 'false'));
  const scores = Array.from({ length: n }, () => random());
  return syntheticReference(
    model,
    { price: numericSketch(prices), country: categoricalSketch(countries), returning: categoricalSketch(returning) },
    numericSketch(scores),
  );
}
