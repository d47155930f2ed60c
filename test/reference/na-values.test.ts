// na_values: the cells that mean "missing" in training data as pandas and R write it. They
// count as missing (so the reference null rate, which the null-rate alert compares live
// traffic with, is right), never as wrong-type values; the list is the config's
// reference_build.na_values, pandas' defaults unless set. Decoders by property, then a
// whole build from a file written the way R's write.csv writes missing values.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NA_VALUES } from '../../src/config/defaults.js';
import { buildReference } from '../../src/reference/build.js';
import { INVALID, MISSING, booleanDecoder, categoryDecoder, numberDecoder } from '../../src/reference/values.js';
import { csvText, makeModel, seededRandom, withTempDir } from './helpers.js';

const NA = new Set(DEFAULT_NA_VALUES);
const naValue = fc.constantFrom(...DEFAULT_NA_VALUES);

describe('decoders with na_values', () => {
  it('every default NA spelling is missing in every column kind and format', () => {
    fc.assert(
      fc.property(naValue, (text) => {
        for (const format of ['csv', 'jsonl'] as const) {
          expect(numberDecoder(format, NA)(text)).toBe(MISSING);
          expect(categoryDecoder(format, { na: NA })(text)).toBe(MISSING);
          expect(categoryDecoder(format, { na: NA, allowed: new Set(['a', 'b']) })(text)).toBe(MISSING);
          expect(booleanDecoder(format, NA)(text)).toBe(MISSING);
        }
      }),
    );
  });

  it('NaN is missing by default (pandas reads it so), and invalid (non-finite) once left out of na_values', () => {
    expect(numberDecoder('csv', NA)('NaN')).toBe(MISSING);
    const without = new Set(DEFAULT_NA_VALUES.filter((v) => !/nan/i.test(v)));
    expect(numberDecoder('csv', without)('NaN')).toBe(INVALID);
    expect(numberDecoder('csv', without)('NA')).toBe(MISSING);
  });

  it('numbers still decode, and a sentinel listed in na_values is missing', () => {
    const sentinel = new Set([...DEFAULT_NA_VALUES, '-999']);
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x);
        if (text === '-999') return;
        expect(numberDecoder('csv', sentinel)(text)).toBe(x + 0); // String(-0) is "0"
        expect(numberDecoder('jsonl', sentinel)(x)).toBe(x);
      }),
    );
    expect(numberDecoder('csv', sentinel)('-999')).toBe(MISSING);
  });

  it('is exact: only the listed spellings (case and spaces matter, as in pandas)', () => {
    for (const text of ['na', 'Na', ' NA', 'NA ', 'N.A.', 'missing']) {
      expect(numberDecoder('csv', NA)(text), text).toBe(INVALID);
      expect(categoryDecoder('csv', { na: NA })(text), text).toBe(text);
    }
    // Without na_values nothing but the empty cell (CSV) or null (JSON) is missing.
    expect(numberDecoder('csv')('NA')).toBe(INVALID);
    expect(categoryDecoder('csv')('NA')).toBe('NA');
  });
});

describe('reference build from data written with NA cells', () => {
  const model = makeModel({
    features: [
      { name: 'income', type: 'numeric' },
      { name: 'city', type: 'categorical' },
      { name: 'member', type: 'boolean' },
    ],
  });

  async function build(naValues?: readonly string[]) {
    // 1000 rows; about 10% NA (R's write.csv), 5% "NULL" (SQL exports), 2% a wrong-type value.
    const random = seededRandom(5);
    const rows: string[][] = [['income', 'city', 'member', 'prediction']];
    const expected = { missing: 0, invalid: 0, cityMissing: 0, memberMissing: 0 };
    const cell = (value: string, counts: (kind: 'missing' | 'invalid') => void, invalid = 'twelve'): string => {
      const u = random();
      if (u < 0.1) return counts('missing'), 'NA';
      if (u < 0.15) return counts('missing'), 'NULL';
      if (u < 0.17) return counts('invalid'), invalid;
      return value;
    };
    for (let i = 0; i < 1000; i++) {
      rows.push([
        cell(String(Math.round(random() * 90000)), (k) => expected[k]++),
        cell(random() < 0.5 ? 'Paris' : 'Lyon', (k) => k === 'missing' && expected.cityMissing++, 'Nice'),
        cell(random() < 0.5 ? 'true' : 'false', (k) => k === 'missing' && expected.memberMissing++, 'true'),
        String(random()),
      ]);
    }
    return withTempDir(async (dir) => {
      const path = join(dir, 'train.csv');
      await writeFile(path, csvText(rows));
      const used = naValues === undefined ? model : { ...model, reference_build: { ...model.reference_build, na_values: [...naValues] } };
      return { reference: await buildReference({ model: used, dataPath: path }), expected };
    });
  }

  it('counts NA and NULL cells as missing: the reference null rate is the share of them', async () => {
    const { reference, expected } = await build();
    const income = reference.features.income;
    if (income.kind !== 'numeric') throw new Error('income is numeric');
    expect(income.summary.missing).toBe(expected.missing);
    expect(income.summary.invalid).toBe(expected.invalid);
    expect(income.summary.missing / reference.rows).toBeGreaterThan(0.12); // ≈ 15%, not 0 as before
    expect(reference.features.city).toMatchObject({ missing: expected.cityMissing, invalid: 0 });
    expect(reference.features.member).toMatchObject({ missing: expected.memberMissing, invalid: 0 });
    // "NA" is not a city: it never becomes a category.
    if (reference.features.city.kind !== 'categorical') throw new Error('city is categorical');
    expect(reference.features.city.categories.map((c) => c.value).sort()).toEqual(['Lyon', 'Nice', 'Paris']);
  });

  it('na_values: [] restores the strict reading (NA and NULL are wrong-type numbers, or categories)', async () => {
    const { reference, expected } = await build([]);
    const income = reference.features.income;
    if (income.kind !== 'numeric' || reference.features.city.kind !== 'categorical') throw new Error('kinds');
    expect(income.summary.missing).toBe(0);
    expect(income.summary.invalid).toBe(expected.missing + expected.invalid);
    expect(reference.features.city.categories.map((c) => c.value)).toEqual(expect.arrayContaining(['NA', 'NULL']));
  });
});
