// A seeded synthetic training set, written as CSV or JSON Lines, with the raw values kept
// so tests can compute every statistic exactly and compare the sketch with it.
import { writeFile } from 'node:fs/promises';
import { csvText, normal, seededRandom } from './helpers.js';
import type { FeatureConfig } from '../../src/config/types.js';

/** A cell: a value, missing (CSV empty; JSON null or absent), or invalid (with its CSV and JSON spelling). */
export type Cell = { value: number | string | boolean } | { missing: true } | { invalid: { csv: string; json: unknown } };

export interface Dataset {
  columns: string[];
  rows: Cell[][];
}

export const SYNTHETIC_FEATURES: Pick<FeatureConfig, 'name' | 'type'>[] = [
  { name: 'income', type: 'numeric' },
  { name: 'children', type: 'numeric' },
  { name: 'city', type: 'categorical' },
  { name: 'member', type: 'boolean' },
];

/** Invalid, not missing: none is among the default na_values ("n/a" and "NaN" are; see values.test.ts). */
const BAD_NUMBERS = [
  { csv: 'twelve', json: 'twelve' },
  { csv: '0x10', json: true },
  { csv: '12 kg', json: '12' },
  { csv: 'Infinity', json: { v: 1 } },
  { csv: '1e999', json: [1] },
];
/** City names that need CSV quoting, among plain ones. */
const SPECIAL_CITIES = ['Lyon, FR', 'say "hi"', 'two\nlines', 'Zürich', '東京'];

/**
 * income: Normal(60000, 20000) (continuous); children: 0..5, skewed (discrete);
 * city: Zipf-like over 300 names; member: boolean; prediction: a score in [0, 1].
 * About 2% missing values per column and 1% invalid ones (but city: any text is a category).
 */
export function syntheticDataset(seed: number, rowCount: number): Dataset {
  const random = seededRandom(seed);
  const cities = Array.from({ length: 300 }, (_, k) => (k < SPECIAL_CITIES.length ? SPECIAL_CITIES[k] : `city-${k}`));
  const cityWeights = cities.map((_, k) => 1 / (k + 1));
  const cityTotal = cityWeights.reduce((a, b) => a + b, 0);
  const pickCity = (): string => {
    let u = random() * cityTotal;
    for (let k = 0; k < cities.length; k++) {
      u -= cityWeights[k];
      if (u <= 0) return cities[k];
    }
    return cities[cities.length - 1];
  };
  // `invalid` null: the column has no invalid spelling common to both formats (any CSV text is a category).
  const maybe = (make: () => number | string | boolean, invalid: Cell | null): Cell => {
    const u = random();
    if (u < 0.02) return { missing: true };
    if (u < 0.03 && invalid !== null) return invalid;
    return { value: make() };
  };
  const rows: Cell[][] = [];
  for (let i = 0; i < rowCount; i++) {
    const bad = { invalid: BAD_NUMBERS[i % BAD_NUMBERS.length] };
    rows.push([
      maybe(() => Math.round((60000 + 20000 * normal(random)) * 100) / 100, bad),
      maybe(() => Math.floor(random() ** 2 * 6), bad),
      maybe(pickCity, null),
      maybe(() => random() < 0.3, { invalid: { csv: 'yes', json: 'yes' } }),
      maybe(() => random() ** 1.5, bad),
    ]);
  }
  return { columns: [...SYNTHETIC_FEATURES.map((f) => f.name), 'prediction'], rows };
}

export function datasetCsv(dataset: Dataset): string {
  const body = dataset.rows.map((row) =>
    row.map((cell) => {
      if ('missing' in cell) return '';
      if ('invalid' in cell) return cell.invalid.csv;
      return String(cell.value);
    }),
  );
  return csvText([dataset.columns, ...body], '\r\n');
}

export function datasetJsonl(dataset: Dataset): string {
  return dataset.rows
    .map((row, i) => {
      const record: Record<string, unknown> = {};
      row.forEach((cell, c) => {
        if ('missing' in cell) {
          if (i % 2 === 0) record[dataset.columns[c]] = null; // else absent
        } else {
          record[dataset.columns[c]] = 'invalid' in cell ? cell.invalid.json : cell.value;
        }
      });
      return `${JSON.stringify(record)}\n`;
    })
    .join('');
}

export async function writeDataset(path: string, dataset: Dataset): Promise<void> {
  await writeFile(path, path.endsWith('.csv') ? datasetCsv(dataset) : datasetJsonl(dataset));
}

/** The column's values, and its missing and invalid counts. */
export function columnCells(dataset: Dataset, column: string): { values: (number | string | boolean)[]; missing: number; invalid: number } {
  const c = dataset.columns.indexOf(column);
  const values: (number | string | boolean)[] = [];
  let missing = 0;
  let invalid = 0;
  for (const row of dataset.rows) {
    const cell = row[c];
    if ('missing' in cell) missing++;
    else if ('invalid' in cell) invalid++;
    else values.push(cell.value);
  }
  return { values, missing, invalid };
}
