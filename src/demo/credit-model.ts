// The bundled example model: a credit-scoring classifier. The applicant population is a
// fixed mix of distributions, and the "model" a fixed logistic function of the features,
// so the training data, the live traffic and the drifted traffic all come from one place.
import type { FeatureType } from '../config/types.js';
import type { Prng } from './prng.js';

export const CREDIT_MODEL_NAME = 'credit';
export const CREDIT_MODEL_VERSION = '2.3.0';
/** Binary classification: [negative, positive]; the score is the positive class's. */
export const CREDIT_CLASSES = ['rejected', 'approved'] as const;
export type CreditClass = (typeof CREDIT_CLASSES)[number];
export const DECISION_THRESHOLD = 0.5;

export interface CreditApplication {
  income: number;
  age: number;
  debt_ratio: number;
  session_duration_ms: number;
  employment_years: number | null;
  credit_lines: number;
  loan_amount: number;
  country: string;
  channel: string;
  has_mortgage: boolean;
}

export type CreditFeatureName = keyof CreditApplication;

export interface CreditFeatureSpec {
  name: CreditFeatureName;
  type: FeatureType;
  nullable: boolean;
}

/** The features in the order of the training CSV's columns and the example config. */
export const CREDIT_FEATURES: readonly CreditFeatureSpec[] = [
  { name: 'income', type: 'numeric', nullable: false },
  { name: 'age', type: 'numeric', nullable: false },
  { name: 'debt_ratio', type: 'numeric', nullable: false },
  { name: 'session_duration_ms', type: 'numeric', nullable: false },
  { name: 'employment_years', type: 'numeric', nullable: true },
  { name: 'credit_lines', type: 'numeric', nullable: false },
  { name: 'loan_amount', type: 'numeric', nullable: false },
  { name: 'country', type: 'categorical', nullable: false },
  { name: 'channel', type: 'categorical', nullable: false },
  { name: 'has_mortgage', type: 'boolean', nullable: false },
];

/** Skewed towards a few markets, as a European lender's would be. */
export const COUNTRY_MIX: readonly { value: string; weight: number }[] = [
  { value: 'DE', weight: 0.3 },
  { value: 'FR', weight: 0.2 },
  { value: 'ES', weight: 0.14 },
  { value: 'IT', weight: 0.12 },
  { value: 'NL', weight: 0.09 },
  { value: 'PL', weight: 0.07 },
  { value: 'SE', weight: 0.05 },
  { value: 'PT', weight: 0.03 },
];

export const CHANNEL_MIX: readonly { value: string; weight: number }[] = [
  { value: 'web', weight: 0.45 },
  { value: 'mobile', weight: 0.35 },
  { value: 'branch', weight: 0.12 },
  { value: 'partner', weight: 0.08 },
];

/** Share of applications without an employment history on file. */
export const BASE_EMPLOYMENT_NULL_RATE = 0.03;
export const MEDIAN_INCOME = 45_000;
export const MEDIAN_SESSION_MS = 40_000;
export const MEDIAN_LOAN = 15_000;

/** Draws one applicant from the training population. */
export function sampleApplication(prng: Prng): CreditApplication {
  // The draw order is part of the data's identity: changing it changes train.csv.
  const income = Math.round(prng.lognormal(Math.log(MEDIAN_INCOME), 0.6));
  const age = clamp(Math.round(prng.normal(41, 13)), 18, 90);
  const debtRatio = roundTo(prng.beta(2, 5), 4);
  const sessionMs = Math.round(prng.lognormal(Math.log(MEDIAN_SESSION_MS), 0.5));
  const employmentYears = Math.min(age - 18, Math.round(prng.exponential(7)));
  const employmentKnown = !prng.bernoulli(BASE_EMPLOYMENT_NULL_RATE);
  const creditLines = prng.poisson(4);
  const loanAmount = Math.max(500, Math.round(prng.lognormal(Math.log(MEDIAN_LOAN), 0.8) / 100) * 100);
  const country = prng.weighted(COUNTRY_MIX);
  const channel = prng.weighted(CHANNEL_MIX);
  const hasMortgage = prng.bernoulli(clamp(0.15 + 0.012 * (age - 25), 0.05, 0.6));
  return {
    income,
    age,
    debt_ratio: debtRatio,
    session_duration_ms: sessionMs,
    employment_years: employmentKnown ? employmentYears : null,
    credit_lines: creditLines,
    loan_amount: loanAmount,
    country,
    channel,
    has_mortgage: hasMortgage,
  };
}

const CHANNEL_EFFECT: Readonly<Record<string, number>> = { web: 0, mobile: -0.1, branch: 0.3, partner: -0.35 };
const COUNTRY_EFFECT: Readonly<Record<string, number>> = {
  DE: 0.2, FR: 0, ES: -0.15, IT: -0.2, NL: 0.15, PL: -0.3, SE: 0.25, PT: -0.1,
};

/**
 * The model: P(approved) from a fixed logistic function, rounded to 6 decimals. It reads
 * whatever it is given, so drifted inputs (seconds where it expects milliseconds, missing
 * employment) move its scores as they would a real model's.
 */
export function approvalScore(application: CreditApplication): number {
  return roundTo(sigmoid(approvalLogit(application)), 6);
}

/** The model's log-odds of approval, unrounded. */
export function approvalLogit(application: CreditApplication): number {
  const a = application;
  return (
    0.25 +
    1.1 * Math.log(Math.max(a.income, 1) / MEDIAN_INCOME) -
    4 * (a.debt_ratio - 0.28) +
    0.012 * (a.age - 41) +
    (a.employment_years === null ? -0.5 : 0.06 * (Math.min(a.employment_years, 20) - 5)) -
    0.8 * Math.log(Math.max(a.loan_amount, 1) / MEDIAN_LOAN) -
    0.08 * (a.credit_lines - 4) +
    (a.has_mortgage ? 0.35 : 0) +
    (CHANNEL_EFFECT[a.channel] ?? 0) +
    (COUNTRY_EFFECT[a.country] ?? 0) +
    // Applicants who take time over the form default less: a small, real-looking signal.
    0.15 * Math.log(Math.max(a.session_duration_ms, 1) / MEDIAN_SESSION_MS)
  );
}

/**
 * The ground truth's process: the true P(approved) of an applicant. The model ranks applicants
 * rightly but is miscalibrated — under-confident (the truth's log-odds are 1.5 times its own)
 * and conservative (at its 0.5 threshold the true rate is 73%) — so its decisions are right
 * about 3 times in 4, and wrong most often just below the threshold: inputs that drift the
 * scores down into that band cost accuracy, which the calibrated estimate (CBPE) foresees.
 */
export const TRUTH_LOGIT_SLOPE = 1.5;
export const TRUTH_LOGIT_INTERCEPT = 1;

export function trueApprovalProbability(application: CreditApplication): number {
  return sigmoid(TRUTH_LOGIT_SLOPE * approvalLogit(application) + TRUTH_LOGIT_INTERCEPT);
}

/** The outcome of one applicant, drawn from the truth (one draw from `prng`, always). */
export function drawOutcome(application: CreditApplication, prng: Prng): CreditClass {
  return prng.next() < trueApprovalProbability(application) ? 'approved' : 'rejected';
}

function sigmoid(logit: number): number {
  return 1 / (1 + Math.exp(-logit));
}

export function decide(score: number): CreditClass {
  return score >= DECISION_THRESHOLD ? 'approved' : 'rejected';
}

const DECIMAL_SCALES = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6] as const;

/** Rounds to 0–6 decimals (an exact table of scales: no pow in the generator). */
export function roundTo(value: number, decimals: number): number {
  const scale = DECIMAL_SCALES[decimals];
  if (scale === undefined) throw new Error(`roundTo takes 0 to 6 decimals, not ${decimals}`);
  return Math.round(value * scale) / scale;
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
