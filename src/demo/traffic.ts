// Live traffic for the credit model: prediction events in mlwatch's public event format,
// drawn from the training population and drifted by the schedule, each with the outcome its
// applicant will turn out to have (for the delayed labels). The applicants, the drift
// decisions, the latencies and the outcomes come from separate seeded streams, so the same
// seed gives the same applicants whether or not the drift is on.
import { CREDIT_MODEL_VERSION, approvalScore, decide, drawOutcome, roundTo, sampleApplication, type CreditClass } from './credit-model.js';
import { applyFault, pickFault } from './faults.js';
import { Prng } from './prng.js';
import { DEFAULT_SCHEDULE, applyDrift, driftAt, type DriftSchedule } from './schedule.js';

export interface PredictionEvent {
  id: string;
  timestamp: string;
  model_version: string;
  /** champion, or canary for the share the schedule sends to the canary version. */
  variant: string;
  features: Record<string, unknown>;
  prediction: { score: number; label: CreditClass };
  latency_ms: number;
}

/** An event and the ground truth of its applicant, known only later (the label). */
export interface LabelledPrediction {
  event: PredictionEvent;
  outcome: CreditClass;
}

export interface TrafficOptions {
  seed: number;
  schedule?: DriftSchedule;
  modelVersion?: string;
  /** Event ids are `${idPrefix}-${n}`; give each run its own prefix so ids stay unique. */
  idPrefix?: string;
}

const POPULATION_STREAM = 0;
const DRIFT_STREAM = 1;
const LATENCY_STREAM = 2;
const VARIANT_STREAM = 3;
const OUTCOME_STREAM = 4;
/** The variants of the example config, the default first. */
export const CHAMPION = 'champion';
export const CANARY = 'canary';
export const CANARY_VERSION = '2.4.0-rc.1';
/** Inference latency: lognormal with this median, milliseconds. */
const MEDIAN_LATENCY_MS = 20;

export class TrafficGenerator {
  private readonly population: Prng;
  private readonly driftRandom: Prng;
  private readonly latencyRandom: Prng;
  private readonly variantRandom: Prng;
  private readonly outcomeRandom: Prng;
  private readonly schedule: DriftSchedule;
  private readonly modelVersion: string;
  private readonly idPrefix: string;
  private count = 0;

  constructor(options: TrafficOptions) {
    this.population = new Prng(options.seed, POPULATION_STREAM);
    this.driftRandom = new Prng(options.seed, DRIFT_STREAM);
    this.latencyRandom = new Prng(options.seed, LATENCY_STREAM);
    this.variantRandom = new Prng(options.seed, VARIANT_STREAM);
    this.outcomeRandom = new Prng(options.seed, OUTCOME_STREAM);
    this.schedule = options.schedule ?? DEFAULT_SCHEDULE;
    this.modelVersion = options.modelVersion ?? CREDIT_MODEL_VERSION;
    this.idPrefix = options.idPrefix ?? 'demo';
  }

  /** Events generated so far. */
  get generated(): number {
    return this.count;
  }

  /** The next event, as the schedule shapes it `elapsedSeconds` after the start. */
  next(elapsedSeconds: number, timestamp: Date): PredictionEvent {
    return this.nextLabelled(elapsedSeconds, timestamp).event;
  }

  /** The next event with its applicant's outcome. */
  nextLabelled(elapsedSeconds: number, timestamp: Date): LabelledPrediction {
    const drift = driftAt(this.schedule, elapsedSeconds);
    const application = applyDrift(sampleApplication(this.population), drift, this.driftRandom);
    // The model scores what it receives: drifted inputs move the predictions too.
    const canary = this.variantRandom.next() < this.schedule.canary_share;
    const score = canary ? shiftLogit(approvalScore(application), drift.canaryLogitShift) : approvalScore(application);
    const features: Record<string, unknown> = { ...application };
    // Faults draw from the drift stream only: they never change which applicants come next.
    if (this.driftRandom.next() < drift.faultRate) applyFault(features, pickFault(this.driftRandom), this.driftRandom);
    // The truth reads the application as sent, drift included, so P(outcome | inputs) stays the
    // training one (covariate shift, which the estimate can follow); it never reads the canary's
    // shift: which version scores an applicant does not change the outcome (for the canary the
    // score's meaning changes, which no label-free estimate sees).
    const outcome = drawOutcome(application, this.outcomeRandom);
    this.count++;
    const event: PredictionEvent = {
      id: `${this.idPrefix}-${this.count}`,
      timestamp: timestamp.toISOString(),
      model_version: canary ? CANARY_VERSION : this.modelVersion,
      variant: canary ? CANARY : CHAMPION,
      features,
      prediction: { score, label: decide(score) },
      latency_ms: roundTo(this.latencyRandom.lognormal(Math.log(MEDIAN_LATENCY_MS), 0.35), 2),
    };
    return { event, outcome };
  }
}

/** The score with `shift` added to its log-odds, rounded like the model's. */
function shiftLogit(score: number, shift: number): number {
  if (shift === 0) return score;
  const p = Math.min(Math.max(score, 1e-6), 1 - 1e-6);
  return roundTo(1 / (1 + Math.exp(-(Math.log(p / (1 - p)) + shift))), 6);
}

/** Events as an NDJSON request body (one JSON object per line). */
export function toNdjson(events: readonly PredictionEvent[]): string {
  let body = '';
  for (const event of events) body += `${JSON.stringify(event)}\n`;
  return body;
}
