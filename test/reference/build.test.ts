import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { binIndex } from '../../src/stats/bins.js';
import { fineQuantileLevels } from '../../src/stats/exact.js';
import { buildReference } from '../../src/reference/build.js';
import { referenceChecksum } from '../../src/reference/io.js';
import { FINE_BINS, REFERENCE_FORMAT, type CategoricalSketch, type NumericSketch, type Reference } from '../../src/reference/types.js';
import { SYNTHETIC_FEATURES, columnCells, syntheticDataset, writeDataset, type Dataset } from './dataset.js';
import { FIXTURES, empiricalCdf, exactSummary, fixtureModel, makeModel, rankedCounts, seededRandom, withTempDir } from './helpers.js';
const NOW = new Date('2026-11-20T10:00:00Z');
const ROWS = 20_000;
const BINS = 10;
const TOP = 10;
/**
 * Quantile tolerance, as a share of the data: the empirical CDF at each digest-derived
 * edge j/k is within this of j/k (the t-digest's rank error; 1/FINE_BINS = 0.005 is one fine bin).
 */
const RANK_TOLERANCE = 0.005;

const model = makeModel({ features: SYNTHETIC_FEATURES, bins: BINS, topCategories: TOP });

let dataset: Dataset;
let fromCsv: Omit<Reference, 'checksum'>;
let fromJsonl: Omit<Reference, 'checksum'>;

beforeAll(async () => {
  dataset = syntheticDataset(42, ROWS);
  await withTempDir(async (dir) => {
    const csv = join(dir, 'train.csv');
    const jsonl = join(dir, 'train.jsonl');
    await writeDataset(csv, dataset);
    await writeDataset(jsonl, dataset);
    fromCsv = await buildReference({ model, dataPath: csv, now: NOW });
    fromJsonl = await buildReference({ model, dataPath: jsonl, now: NOW });
  });
});

function numeric(reference: Omit<Reference, 'checksum'>, name: string): NumericSketch {
  const sketch = name === 'prediction' ? reference.prediction : reference.features[name];
  if (sketch.kind !== 'numeric') throw new Error(`${name} is not numeric`);
  return sketch;
}

function categorical(reference: Omit<Reference, 'checksum'>, name: string): CategoricalSketch {
  const sketch = reference.features[name];
  if (sketch.kind !== 'categorical') throw new Error(`${name} is not categorical`);
  return sketch;
}

/** Counts of the values in each bin of `edges`, by the one binning rule. */
function binCounts(edges: number[], values: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) counts[binIndex(edges, v)]++;
  return counts;
}

describe('buildReference on a seeded synthetic dataset', () => {
  it('records the build parameters and the row count', () => {
    expect(fromCsv).toMatchObject({
      format: REFERENCE_FORMAT,
      format_version: 2,
      model: 'credit',
      created_at: NOW.toISOString(),
      source: 'train.csv',
      rows: ROWS,
      bins: BINS,
      fine_bins: FINE_BINS,
      top_categories: TOP,
    });
    expect(Object.keys(fromCsv.features)).toEqual(SYNTHETIC_FEATURES.map((f) => f.name));
  });

  it.each(['income', 'children', 'prediction'])('%s: count, missing, invalid exact; mean, std, min, max as computed directly', (name) => {
    const cells = columnCells(dataset, name);
    const values = cells.values as number[];
    const exact = exactSummary(values);
    const { summary } = numeric(fromCsv, name);
    expect({ count: summary.count, missing: summary.missing, invalid: summary.invalid }).toEqual({
      count: values.length,
      missing: cells.missing,
      invalid: cells.invalid,
    });
    expect(summary.min).toBe(exact.min);
    expect(summary.max).toBe(exact.max);
    expect(summary.mean).toBeCloseTo(exact.mean, 9);
    expect(Math.abs(summary.std - exact.std) / exact.std).toBeLessThan(1e-9);
  });

  it.each(['income', 'children', 'prediction'])('%s: coarse and fine counts are exact counts of the raw values', (name) => {
    const values = columnCells(dataset, name).values as number[];
    const sketch = numeric(fromCsv, name);
    expect(sketch.counts).toEqual(binCounts(sketch.edges, values));
    expect(sketch.fine_counts).toEqual(binCounts(sketch.fine_edges, values));
    expect(sketch.counts[0]).toBe(values.filter((v) => v === sketch.summary.min).length); // bin 0: at or below the minimum
    expect(sketch.counts[sketch.counts.length - 1]).toBe(0); // nothing above the maximum
    expect(sketch.digest.reduce((sum, c) => sum + c.n, 0)).toBe(values.length);
  });

  it.each(['income', 'prediction'])(`%s (continuous): edges are within ${RANK_TOLERANCE} of the exact quantiles`, (name) => {
    const sorted = (columnCells(dataset, name).values as number[]).sort((a, b) => a - b);
    const sketch = numeric(fromCsv, name);
    expect(sketch.edges).toHaveLength(BINS + 1);
    // The fine levels: j/FINE_BINS plus tail levels halving toward single values at either end.
    const levels = fineQuantileLevels(FINE_BINS, sorted.length);
    expect(sketch.fine_edges).toHaveLength(levels.length + 2);
    expect(sketch.edges[0]).toBe(sorted[0]);
    expect(sketch.edges[BINS]).toBe(sorted[sorted.length - 1]);
    for (let i = 1; i < BINS; i++) expect(Math.abs(empiricalCdf(sorted, sketch.edges[i]) - i / BINS)).toBeLessThanOrEqual(RANK_TOLERANCE);
    levels.forEach((level, j) => {
      expect(Math.abs(empiricalCdf(sorted, sketch.fine_edges[j + 1]) - level)).toBeLessThanOrEqual(RANK_TOLERANCE);
    });
    expect(new Set(sketch.fine_edges).size).toBe(sketch.fine_edges.length);
    for (const edge of sketch.edges) expect(sketch.fine_edges).toContain(edge);
  });

  it('children (discrete): edges are the exact quantiles, duplicates collapsed', () => {
    const sorted = (columnCells(dataset, 'children').values as number[]).sort((a, b) => a - b);
    const inverseCdf = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length - 1e-9) - 1)];
    const expected = [...new Set([sorted[0], ...Array.from({ length: BINS - 1 }, (_, i) => inverseCdf((i + 1) / BINS)), sorted[sorted.length - 1]])].sort(
      (a, b) => a - b,
    );
    const sketch = numeric(fromCsv, 'children');
    expect(sketch.edges).toEqual(expected);
    expect(sketch.fine_edges).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('city: top categories and other_count are exact, ties broken by name', () => {
    const cells = columnCells(dataset, 'city');
    const ranked = rankedCounts(cells.values as string[]);
    const sketch = categorical(fromCsv, 'city');
    expect(sketch.categories).toEqual(ranked.slice(0, TOP));
    expect(sketch.other_count).toBe(ranked.slice(TOP).reduce((sum, c) => sum + c.count, 0));
    expect({ count: sketch.count, missing: sketch.missing, invalid: sketch.invalid }).toEqual({ count: cells.values.length, missing: cells.missing, invalid: 0 });
    expect(sketch.categories.map((c) => c.value)).toContain('Lyon, FR'); // quoted in the CSV
  });

  it('member: both boolean categories with exact counts', () => {
    const cells = columnCells(dataset, 'member');
    const trues = cells.values.filter((v) => v === true).length;
    const sketch = categorical(fromCsv, 'member');
    expect(sketch.categories).toEqual([
      { value: 'false', count: cells.values.length - trues },
      { value: 'true', count: trues },
    ]);
    expect(sketch.other_count).toBe(0);
    expect(sketch.invalid).toBe(cells.invalid);
  });

  it('the same data as JSON Lines gives the same sketches', () => {
    expect({ ...fromJsonl, source: 'x' }).toEqual({ ...fromCsv, source: 'x' });
  });
});

describe('reproducibility', () => {
  const originalRandom = Math.random;
  afterEach(() => {
    Math.random = originalRandom;
  });

  it('two builds of the same data are identical, whatever Math.random does meanwhile, and Math.random is restored', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'train.csv');
      await writeDataset(path, syntheticDataset(7, 12_000));
      const first = await buildReference({ model, dataPath: path, now: NOW });
      const otherRandom = seededRandom(999);
      Math.random = otherRandom;
      const second = await buildReference({ model, dataPath: path, now: NOW });
      expect(Math.random).toBe(otherRandom);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      expect(referenceChecksum(second)).toBe(referenceChecksum(first));
    });
  });

  it('takes created_at from SOURCE_DATE_EPOCH when no time is given', async () => {
    const saved = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    try {
      const reference = await buildReference({ model: fixtureModel(), dataPath: join(FIXTURES, 'awkward.csv') });
      expect(reference.created_at).toBe('2023-11-14T22:13:20.000Z');
      process.env.SOURCE_DATE_EPOCH = 'yesterday';
      await expect(buildReference({ model: fixtureModel(), dataPath: join(FIXTURES, 'awkward.csv') })).rejects.toThrow(/SOURCE_DATE_EPOCH/);
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
  });
});
