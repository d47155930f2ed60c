import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHANNEL_MIX, COUNTRY_MIX, CREDIT_FEATURES, approvalScore, sampleApplication } from '../../src/demo/credit-model.js';
import { Prng } from '../../src/demo/prng.js';
import { CSV_COLUMNS, TRAINING_ROWS, TRAINING_SEED, csvLine, trainingCsv, trainingRows, type TrainingRow } from '../../src/demo/training-data.js';

const rows: TrainingRow[] = [...trainingRows(TRAINING_SEED, TRAINING_ROWS)];

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function column(name: 'income' | 'age' | 'debt_ratio' | 'session_duration_ms' | 'credit_lines' | 'loan_amount'): number[] {
  return rows.map((r) => r.features[name]);
}

describe('training data', () => {
  it('is reproducible: the first 100 rows hash to the recorded value', () => {
    const lines = [...trainingRows(TRAINING_SEED, 100)].map(csvLine);
    // Recorded once; a change here means examples/credit/train.csv must be regenerated.
    expect(createHash('sha256').update(lines.join('\n')).digest('hex')).toBe(
      'd055f3d1193d391adf17780c7885b1b5b0624a981f4e086aa59e2bab00472378',
    );
    expect(trainingCsv(TRAINING_SEED, 100)).toBe(trainingCsv(TRAINING_SEED, 100));
  });

  it('has the CSV columns of the features, the prediction and the outcome, in order', () => {
    expect(CSV_COLUMNS).toEqual([...CREDIT_FEATURES.map((f) => f.name), 'prediction', 'outcome']);
    const csv = trainingCsv(TRAINING_SEED, 3).split('\n');
    expect(csv[0]).toBe(CSV_COLUMNS.join(','));
    expect(csv).toHaveLength(5); // header, 3 rows, the final newline
    for (const line of csv.slice(1, 4)) expect(line.split(',')).toHaveLength(CSV_COLUMNS.length);
  });

  it('is plausible: each feature near its intended centre (5000 rows)', () => {
    expect(median(column('income')) / 45_000).toBeGreaterThan(0.95);
    expect(median(column('income')) / 45_000).toBeLessThan(1.05);
    expect(Math.abs(mean(column('age')) - 41)).toBeLessThan(1);
    expect(Math.abs(mean(column('debt_ratio')) - 2 / 7)).toBeLessThan(0.01);
    expect(median(column('session_duration_ms')) / 40_000).toBeGreaterThan(0.95);
    expect(median(column('session_duration_ms')) / 40_000).toBeLessThan(1.05);
    expect(Math.abs(mean(column('credit_lines')) - 4)).toBeLessThan(0.15);
    expect(median(column('loan_amount')) / 15_000).toBeGreaterThan(0.9);
    expect(median(column('loan_amount')) / 15_000).toBeLessThan(1.1);

    const nullShare = rows.filter((r) => r.features.employment_years === null).length / rows.length;
    expect(nullShare).toBeGreaterThan(0.02);
    expect(nullShare).toBeLessThan(0.04);

    for (const { value, weight } of COUNTRY_MIX) {
      expect(Math.abs(rows.filter((r) => r.features.country === value).length / rows.length - weight)).toBeLessThan(0.02);
    }
    for (const { value, weight } of CHANNEL_MIX) {
      expect(Math.abs(rows.filter((r) => r.features.channel === value).length / rows.length - weight)).toBeLessThan(0.02);
    }
    const mortgages = rows.filter((r) => r.features.has_mortgage).length / rows.length;
    expect(mortgages).toBeGreaterThan(0.2);
    expect(mortgages).toBeLessThan(0.5);

    // A usable classifier: neither class dominates, and the scores spread out.
    const approved = rows.filter((r) => r.prediction >= 0.5).length / rows.length;
    expect(approved).toBeGreaterThan(0.4);
    expect(approved).toBeLessThan(0.8);
    expect(Math.min(...rows.map((r) => r.prediction))).toBeLessThan(0.1);
    expect(Math.max(...rows.map((r) => r.prediction))).toBeGreaterThan(0.9);
  });

  it('has outcomes the scores inform but do not settle: a realistic accuracy, better than the majority class', () => {
    const positive = rows.filter((r) => r.outcome === 'approved').length / rows.length;
    const accuracy = rows.filter((r) => (r.prediction >= 0.5) === (r.outcome === 'approved')).length / rows.length;
    expect(accuracy).toBeGreaterThan(0.75);
    expect(accuracy).toBeLessThan(0.9);
    expect(accuracy).toBeGreaterThan(Math.max(positive, 1 - positive) + 0.02);
    // Informative: the approved share rises with the score, from the lowest fifth to the highest.
    const sorted = [...rows].sort((a, b) => a.prediction - b.prediction);
    const share = (part: TrainingRow[]): number => part.filter((r) => r.outcome === 'approved').length / part.length;
    expect(share(sorted.slice(-1000)) - share(sorted.slice(0, 1000))).toBeGreaterThan(0.5);
  });

  it('draws the outcomes from their own stream: the applicants and scores are those of the unlabelled data', () => {
    const applicants = new Prng(TRAINING_SEED);
    for (const row of rows.slice(0, 200)) {
      expect(row.features).toEqual(sampleApplication(applicants));
      expect(row.prediction).toBe(approvalScore(row.features));
    }
  });

  it('keeps whole numbers whole and every value in its domain', () => {
    for (const { features: f, prediction } of rows) {
      expect(Number.isInteger(f.income) && f.income > 0).toBe(true);
      expect(Number.isInteger(f.age) && f.age >= 18 && f.age <= 90).toBe(true);
      expect(f.debt_ratio >= 0 && f.debt_ratio <= 1).toBe(true);
      expect(Number.isInteger(f.session_duration_ms)).toBe(true);
      if (f.employment_years !== null) expect(Number.isInteger(f.employment_years) && f.employment_years <= f.age - 18).toBe(true);
      expect(Number.isInteger(f.credit_lines) && f.credit_lines >= 0).toBe(true);
      expect(f.loan_amount % 100 === 0 && f.loan_amount >= 500).toBe(true);
      expect(prediction >= 0 && prediction <= 1).toBe(true);
    }
  });
});
