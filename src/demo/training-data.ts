// The example's training data: seeded applicants scored by the credit model, with the outcome
// drawn from the true process, written as the CSV that `mlwatch reference build` reads (an
// empty cell is a missing value).
import { CREDIT_FEATURES, approvalScore, drawOutcome, sampleApplication, type CreditApplication, type CreditClass } from './credit-model.js';
import { Prng } from './prng.js';

/** The seed and size of the committed examples/credit/train.csv. */
export const TRAINING_SEED = 20_261_120;
export const TRAINING_ROWS = 5000;
/** The column with the model's output, as reference_build.prediction_column defaults to. */
export const PREDICTION_COLUMN = 'prediction';
/** The ground truth, the example config's reference_build.label_column. */
export const OUTCOME_COLUMN = 'outcome';

export const CSV_COLUMNS: readonly string[] = [...CREDIT_FEATURES.map((f) => f.name), PREDICTION_COLUMN, OUTCOME_COLUMN];
/** The outcomes draw from their own stream, so adding them left the applicants as they were. */
const OUTCOME_STREAM = 1;

export interface TrainingRow {
  features: CreditApplication;
  /** P(approved). */
  prediction: number;
  /** What the applicant turned out to be (the label). */
  outcome: CreditClass;
}

export function* trainingRows(seed: number, count: number): Generator<TrainingRow> {
  const prng = new Prng(seed);
  const outcomes = new Prng(seed, OUTCOME_STREAM);
  for (let i = 0; i < count; i++) {
    const features = sampleApplication(prng);
    yield { features, prediction: approvalScore(features), outcome: drawOutcome(features, outcomes) };
  }
}

/** One CSV line (no newline). Values never hold commas or quotes, so no quoting is needed. */
export function csvLine(row: TrainingRow): string {
  const cells = CREDIT_FEATURES.map((feature) => formatCell(row.features[feature.name]));
  cells.push(formatCell(row.prediction), row.outcome);
  return cells.join(',');
}

export function trainingCsv(seed: number = TRAINING_SEED, count: number = TRAINING_ROWS): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of trainingRows(seed, count)) lines.push(csvLine(row));
  return `${lines.join('\n')}\n`;
}

function formatCell(value: number | string | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`the credit model generated a non-finite value (${value}); the training data must be finite`);
  }
  return String(value);
}
