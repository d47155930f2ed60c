import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReference, buildReferenceWithReport } from '../../src/reference/build.js';
import { previousDouble } from '../../src/stats/float.js';
import type { CategoricalSketch, NumericSketch, Reference } from '../../src/reference/types.js';
import { FIXTURES, fixtureModel, withTempDir } from './helpers.js';

const NOW = new Date('2026-11-20T10:00:00Z');

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

describe('awkward files', () => {
  it('CSV with a BOM, CRLF, quoted line breaks, a short row and no final newline', async () => {
    const skipped: [number, string][] = [];
    const { reference, skippedRows } = await buildReferenceWithReport({
      model: fixtureModel(),
      dataPath: join(FIXTURES, 'awkward.csv'),
      now: NOW,
      onMalformedRow: (line, problem) => skipped.push([line, problem]),
    });
    expect(skippedRows).toBe(1);
    expect(skipped).toEqual([[7, 'expected 5 fields (as in the header), found 4']]);
    expect(reference.rows).toBe(5);
    const amount = numeric(reference, 'amount');
    expect(amount.summary).toMatchObject({ count: 3, missing: 1, invalid: 1, min: 10, max: 50 });
    expect(amount.summary.mean).toBeCloseTo(80 / 3, 12);
    expect(amount.edges).toEqual([previousDouble(10), 10, 20, 50]);
    expect(amount.atoms).toEqual([10, 20, 50]);
    const { noise, ...city } = categorical(reference, 'city');
    expect(Object.keys(noise ?? {})).toEqual(['psi', 'jensen_shannon', 'chi2_pvalue', 'chebyshev']);
    expect(city).toEqual({
      kind: 'categorical',
      count: 5,
      missing: 0,
      invalid: 0,
      categories: [
        { value: 'Paris', count: 3 },
        { value: 'Lyon, FR', count: 1 },
        { value: 'multi\r\nline', count: 1 },
      ],
      other_count: 0,
    });
    expect(categorical(reference, 'member')).toMatchObject({ count: 3, missing: 1, invalid: 1, categories: [{ value: 'true', count: 2 }, { value: 'false', count: 1 }] });
    expect(numeric(reference, 'prediction').summary).toMatchObject({ count: 5, min: 0.1, max: 0.6 });
  });

  it("JSON Lines as Python writes it: NaN/Infinity are invalid values, a bad line is skipped", async () => {
    const { reference, skippedRows } = await buildReferenceWithReport({ model: fixtureModel(), dataPath: join(FIXTURES, 'python-written.jsonl'), now: NOW });
    expect(skippedRows).toBe(1);
    expect(reference.rows).toBe(4);
    expect(numeric(reference, 'amount').summary).toMatchObject({ count: 2, missing: 1, invalid: 1, min: 10, max: 40.5 });
    expect(categorical(reference, 'city')).toMatchObject({ count: 2, missing: 1, invalid: 1 });
    expect(categorical(reference, 'member')).toMatchObject({ count: 2, missing: 1, invalid: 1 });
    expect(numeric(reference, 'prediction').summary).toMatchObject({ count: 3, invalid: 1, max: 0.3 });
  });

  it('.ndjson is JSON Lines too', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'train.ndjson');
      await copyFile(join(FIXTURES, 'python-written.jsonl'), path);
      const reference = await buildReference({ model: fixtureModel(), dataPath: path, now: NOW });
      expect(reference).toMatchObject({ rows: 4, source: 'train.ndjson' });
    });
  });

  it('a constant feature is one atom: the bin (double below it, it]', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'constant.csv');
      await writeFile(path, 'amount,city,member,score\n' + '7,x,true,0.5\n'.repeat(50));
      const reference = await buildReference({ model: fixtureModel(), dataPath: path, now: NOW });
      const below = previousDouble(7);
      expect(numeric(reference, 'amount')).toMatchObject({
        edges: [below, 7],
        counts: [0, 50, 0],
        fine_edges: [below, 7],
        fine_counts: [0, 50, 0],
        fine_offsets: [0, 50 * (7 - below), 0],
        atoms: [7],
      });
      expect(numeric(reference, 'amount').summary).toMatchObject({ mean: 7, std: 0, min: 7, max: 7 });
    });
  });

  it('multiclass: the predicted class is categorical over the classes, other values invalid', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'classes.jsonl');
      const lines = ['a', 'b', 'a', 'z', 3, null].map((score) => JSON.stringify({ amount: 1, city: 'x', member: true, score }));
      await writeFile(path, lines.join('\n'));
      const reference = await buildReference({ model: fixtureModel('multiclass_classification'), dataPath: path, now: NOW });
      const { noise, ...prediction } = reference.prediction;
      expect(noise).toBeDefined();
      expect(prediction).toEqual({
        kind: 'categorical',
        count: 3,
        missing: 1,
        invalid: 2,
        categories: [
          { value: 'a', count: 2 },
          { value: 'b', count: 1 },
          { value: 'c', count: 0 },
        ],
        other_count: 0,
      });
    });
  });
});

describe('build errors', () => {
  const build = (path: string) => buildReference({ model: fixtureModel(), dataPath: path, now: NOW });

  it('names absent columns', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'd.csv');
      await writeFile(path, 'amount,town,member\n1,x,true\n');
      await expect(build(path)).rejects.toThrow(/no column "city", "score" in the header row/);
    });
  });

  it('suggests the closest column for a misspelt one and lists the columns found', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'd.csv');
      await writeFile(path, 'amount,citty,Member,score,extra\n1,x,true,0.1,z\n');
      const problem = build(path);
      await expect(problem).rejects.toThrow(
        `${path}: no column "city" (did you mean "citty"?), "member" (did you mean "Member"?) in the header row ` +
          '(it has "amount", "citty", "Member", "score", "extra"); the column names must match the feature names and the prediction_column of the config',
      );
    });
  });

  it('JSON Lines: a column missing from every row names the first row\'s keys and the closest', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'd.jsonl');
      await writeFile(path, '{"amount": 1, "cty": "x", "member": true, "score": 0.1}\n{"amount": 2, "cty": "y", "member": false, "score": 0.2}\n');
      await expect(build(path)).rejects.toThrow(
        'no valid values in 2 rows for feature "city" (2 missing, 0 invalid; not a key of the first row (did you mean "cty"?)) ' +
          '(the first row has "amount", "cty", "member", "score")',
      );
    });
  });

  it('names a column without a single valid value', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'd.csv');
      await writeFile(path, 'amount,city,member,score\nabc,x,true,0.1\n,y,false,0.2\n');
      await expect(build(path)).rejects.toThrow(/no valid values in 2 rows for feature "amount" \(1 missing, 1 invalid\)/);
    });
  });

  it('stops after more than 100 malformed rows, naming the first lines', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'd.csv');
      await writeFile(path, 'amount,city,member,score\n' + '1,x,true\n'.repeat(101));
      await expect(build(path)).rejects.toThrow(/more than 100 malformed rows \(lines 2, 3, 4, 5, 6, …\)/);
    });
  });

  it('reports an unterminated quote, an empty file, a missing file and an unknown extension', async () => {
    await withTempDir(async (dir) => {
      const quote = join(dir, 'q.csv');
      await writeFile(quote, 'amount,city,member,score\n1,"x,true,0.1\n');
      await expect(build(quote)).rejects.toThrow(/q\.csv: unterminated quoted field starting on line 2/);
      const empty = join(dir, 'e.csv');
      await writeFile(empty, '');
      await expect(build(empty)).rejects.toThrow(/is empty: a CSV data file needs a header row/);
      await expect(build(join(dir, 'none.csv'))).rejects.toThrow(/data file .*none\.csv does not exist/);
      await expect(build(join(dir, 'data.parquet'))).rejects.toThrow(/must end in \.csv, \.jsonl or \.ndjson/);
    });
  });
});


describe('extreme values', () => {
  it('values too large for a variance are refused with a clear error', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'huge.csv');
      const rows = Array.from({ length: 100 }, (_, i) => `${i % 2 === 0 ? '' : '-'}1e307,x,true,0.5`);
      await writeFile(path, `amount,city,member,score\n${rows.join('\n')}\n`);
      await expect(buildReference({ model: fixtureModel(), dataPath: path, now: NOW })).rejects.toThrow(
        /^feature "amount": values too large to summarise .*rescale the column$/,
      );
    });
  });

  it('large but summarisable values give finite, strictly increasing edges and exact counts', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'large.csv');
      const rows = Array.from({ length: 5000 }, (_, i) => `${(i % 2 === 0 ? 1 : -1) * (1 + i / 5000)}e150,x,true,0.5`);
      await writeFile(path, `amount,city,member,score\n${rows.join('\n')}\n`);
      const amount = numeric(await buildReference({ model: fixtureModel(), dataPath: path, now: NOW }), 'amount');
      expect(amount.fine_edges.every((edge, i) => Number.isFinite(edge) && (i === 0 || edge > amount.fine_edges[i - 1]))).toBe(true);
      expect(amount.counts.reduce((a, b) => a + b, 0)).toBe(5000);
      expect(Number.isFinite(amount.summary.std)).toBe(true);
    });
  });
});
