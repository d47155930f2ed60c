// The drift schedule of the demo traffic: the training population until
// `drift_after_seconds`, then three classic production failures at once — an upstream
// change that inflates income, a service that starts sending seconds instead of
// milliseconds, and a broken join that leaves employment history empty — plus, at a low
// rate, malformed values for the data-quality counters. Two failures hide in slices: the
// partner channel starts sending larger loans (one segment drifts while the whole barely
// moves), and the canary version's scores run high (its outputs leave the champion's).
import { BASE_EMPLOYMENT_NULL_RATE, roundTo, type CreditApplication } from './credit-model.js';
import type { Prng } from './prng.js';

export interface DriftSchedule {
  /** Seconds after the start when the drift switches on (0: drifted from the start). */
  drift_after_seconds: number;
  /** Incomes are multiplied by this. */
  income_factor: number;
  /** session_duration_ms is divided by this (1000: milliseconds become seconds). */
  session_duration_divisor: number;
  /** Share of events with employment_years null (the training data has BASE_EMPLOYMENT_NULL_RATE). */
  employment_null_rate: number;
  /** Share of events with one data-quality fault (see faults.ts). */
  fault_rate: number;
  /** Loan amounts of the partner channel are multiplied by this (a segment-only drift). */
  partner_loan_factor: number;
  /** Share of events served by the canary variant (from the start). */
  canary_share: number;
  /** Added to the canary's score in log-odds once the drift is on (its version misbehaves). */
  canary_logit_shift: number;
}

export const DEFAULT_SCHEDULE: DriftSchedule = {
  drift_after_seconds: 30,
  income_factor: 1.6,
  session_duration_divisor: 1000,
  employment_null_rate: 0.4,
  fault_rate: 0.005,
  partner_loan_factor: 2.5,
  canary_share: 0.15,
  canary_logit_shift: 1.5,
};

/** What the schedule does at one moment. */
export interface ActiveDrift {
  drifting: boolean;
  incomeFactor: number;
  sessionDivisor: number;
  employmentNullRate: number;
  faultRate: number;
  partnerLoanFactor: number;
  canaryLogitShift: number;
}

const NO_DRIFT: ActiveDrift = {
  drifting: false,
  incomeFactor: 1,
  sessionDivisor: 1,
  employmentNullRate: BASE_EMPLOYMENT_NULL_RATE,
  faultRate: 0,
  partnerLoanFactor: 1,
  canaryLogitShift: 0,
};

export function driftAt(schedule: DriftSchedule, elapsedSeconds: number): ActiveDrift {
  if (elapsedSeconds < schedule.drift_after_seconds) return NO_DRIFT;
  return {
    drifting: true,
    incomeFactor: schedule.income_factor,
    sessionDivisor: schedule.session_duration_divisor,
    employmentNullRate: schedule.employment_null_rate,
    faultRate: schedule.fault_rate,
    partnerLoanFactor: schedule.partner_loan_factor,
    canaryLogitShift: schedule.canary_logit_shift,
  };
}

/** The channel whose loans drift on their own. */
export const PARTNER_CHANNEL = 'partner';

/** The application as the drifted upstream would send it (a new object; the input is kept). */
export function applyDrift(application: CreditApplication, drift: ActiveDrift, prng: Prng): CreditApplication {
  if (!drift.drifting) return application;
  return {
    ...application,
    income: Math.round(application.income * drift.incomeFactor),
    session_duration_ms: roundTo(application.session_duration_ms / drift.sessionDivisor, 3),
    employment_years: surgeNulls(application.employment_years, drift.employmentNullRate, prng),
    loan_amount: application.channel === PARTNER_CHANNEL ? Math.round(application.loan_amount * drift.partnerLoanFactor) : application.loan_amount,
  };
}

/**
 * Nulls a present value with the probability that brings the overall null share from the
 * base rate up to `targetRate` (values already null stay null).
 */
function surgeNulls(value: number | null, targetRate: number, prng: Prng): number | null {
  // Always draw, so the stream of random numbers does not depend on the value.
  const draw = prng.next();
  if (value === null || targetRate <= BASE_EMPLOYMENT_NULL_RATE) return value;
  const extra = (targetRate - BASE_EMPLOYMENT_NULL_RATE) / (1 - BASE_EMPLOYMENT_NULL_RATE);
  return draw < extra ? null : value;
}

/** Checks a schedule from the command line; returns the problems in words. */
export function scheduleProblems(schedule: DriftSchedule): string[] {
  const problems: string[] = [];
  if (!(schedule.drift_after_seconds >= 0)) problems.push(`drift-after must be 0 or more seconds, not ${schedule.drift_after_seconds}`);
  if (!(schedule.income_factor > 0)) problems.push(`income factor must be positive, not ${schedule.income_factor}`);
  if (!(schedule.session_duration_divisor > 0)) problems.push(`session divisor must be positive, not ${schedule.session_duration_divisor}`);
  if (!(schedule.employment_null_rate >= 0 && schedule.employment_null_rate <= 1)) {
    problems.push(`employment null rate must be between 0 and 1, not ${schedule.employment_null_rate}`);
  }
  if (!(schedule.fault_rate >= 0 && schedule.fault_rate <= 1)) problems.push(`fault-rate must be between 0 and 1, not ${schedule.fault_rate}`);
  if (!(schedule.partner_loan_factor > 0)) problems.push(`partner loan factor must be positive, not ${schedule.partner_loan_factor}`);
  if (!(schedule.canary_share >= 0 && schedule.canary_share <= 1)) problems.push(`canary share must be between 0 and 1, not ${schedule.canary_share}`);
  if (!Number.isFinite(schedule.canary_logit_shift)) problems.push(`canary logit shift must be a number, not ${schedule.canary_logit_shift}`);
  return problems;
}
