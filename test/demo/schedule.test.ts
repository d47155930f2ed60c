// The drift schedule: nothing changes before the switch, each drift is there after it.
// Traffic with the same seed draws the same applicants whatever the schedule does, so a
// drifted run is compared event by event with an undrifted one.
import { describe, expect, it } from 'vitest';
import { BASE_EMPLOYMENT_NULL_RATE } from '../../src/demo/credit-model.js';
import { UNKNOWN_FIELD } from '../../src/demo/faults.js';
import { DEFAULT_SCHEDULE, PARTNER_CHANNEL, driftAt, scheduleProblems, type DriftSchedule } from '../../src/demo/schedule.js';
import { CANARY, CANARY_VERSION, TrafficGenerator, toNdjson, type PredictionEvent } from '../../src/demo/traffic.js';

const AT = new Date('2026-11-21T12:00:00Z');
const N = 5000;

function run(elapsedSeconds: number, schedule: DriftSchedule = DEFAULT_SCHEDULE, n = N): PredictionEvent[] {
  const generator = new TrafficGenerator({ seed: 11, schedule });
  return Array.from({ length: n }, () => generator.next(elapsedSeconds, AT));
}

function numbers(events: PredictionEvent[], feature: string): number[] {
  return events.map((e) => e.features[feature]).filter((v): v is number => typeof v === 'number');
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function nullShare(events: PredictionEvent[], feature: string): number {
  return events.filter((e) => e.features[feature] === null).length / events.length;
}

const before = run(0);
const justBefore = run(DEFAULT_SCHEDULE.drift_after_seconds - 0.001);
const after = run(DEFAULT_SCHEDULE.drift_after_seconds);

describe('drift schedule', () => {
  it('switches at drift_after_seconds, not before', () => {
    expect(driftAt(DEFAULT_SCHEDULE, 29.999).drifting).toBe(false);
    expect(driftAt(DEFAULT_SCHEDULE, 30).drifting).toBe(true);
    expect(justBefore).toEqual(before);
  });

  it('converts session_duration_ms to seconds after the switch: means differ by ×1000', () => {
    const ratio = mean(numbers(before, 'session_duration_ms')) / mean(numbers(after, 'session_duration_ms'));
    expect(Math.abs(ratio / 1000 - 1)).toBeLessThan(1e-9);
    // Event by event, not only on average.
    before.forEach((e, i) => expect(after[i].features.session_duration_ms).toBe((e.features.session_duration_ms as number) / 1000));
  });

  it('multiplies income by 1.6 after the switch', () => {
    const ratio = mean(numbers(after, 'income')) / mean(numbers(before, 'income'));
    expect(Math.abs(ratio - 1.6)).toBeLessThan(0.01);
    before.forEach((e, i) => {
      const drifted = after[i].features.income;
      // A few carry the quoted-number fault instead (checked below).
      if (typeof drifted === 'number') expect(drifted).toBe(Math.round((e.features.income as number) * 1.6));
    });
  });

  it('surges employment_years nulls from about 3% to about 40% after the switch', () => {
    expect(Math.abs(nullShare(before, 'employment_years') - BASE_EMPLOYMENT_NULL_RATE)).toBeLessThan(0.01);
    expect(Math.abs(nullShare(after, 'employment_years') - 0.4)).toBeLessThan(0.02);
    // Nulls only appear: a value present after the switch is the value from before.
    after.forEach((e, i) => {
      if (e.features.employment_years !== null) expect(e.features.employment_years).toBe(before[i].features.employment_years);
    });
  });

  it('leaves the other features alone', () => {
    const notPartner = before.map((e, i) => i).filter((i) => before[i].features.channel !== PARTNER_CHANNEL);
    for (const feature of ['age', 'debt_ratio', 'credit_lines', 'loan_amount', 'country', 'channel', 'has_mortgage']) {
      // debt_ratio and country may carry an injected fault after the switch; compare the rest.
      const rows = feature === 'loan_amount' ? notPartner : before.map((_, i) => i);
      const same = rows.filter((i) => before[i].features[feature] === after[i].features[feature]).length;
      expect(same / rows.length, feature).toBeGreaterThan(1 - 2 * DEFAULT_SCHEDULE.fault_rate);
    }
  });

  it('multiplies loan amounts of the partner channel only, after the switch (a segment-only drift)', () => {
    let partners = 0;
    before.forEach((e, i) => {
      const drifted = after[i].features.loan_amount;
      if (e.features.channel !== PARTNER_CHANNEL || typeof drifted !== 'number') return;
      partners++;
      expect(drifted).toBe(Math.round((e.features.loan_amount as number) * DEFAULT_SCHEDULE.partner_loan_factor));
    });
    expect(partners / N).toBeGreaterThan(0.06); // the partner channel is 8% of applications
  });

  it('sends the canary share to the canary version, whose scores run high only after the switch', () => {
    const canary = (events: PredictionEvent[]) => events.filter((e) => e.variant === CANARY);
    expect(Math.abs(canary(before).length / N - DEFAULT_SCHEDULE.canary_share)).toBeLessThan(0.015);
    for (const e of [...before, ...after]) expect(e.model_version).toBe(e.variant === CANARY ? CANARY_VERSION : '2.3.0');
    const undriftedCanary = run(0, { ...DEFAULT_SCHEDULE, canary_share: 0 });
    // Before the switch the canary scores what the champion would.
    before.forEach((e, i) => expect(e.prediction.score).toBe(undriftedCanary[i].prediction.score));
    const logit = (p: number): number => Math.log(p / (1 - p));
    const championAfter = run(DEFAULT_SCHEDULE.drift_after_seconds, { ...DEFAULT_SCHEDULE, canary_share: 0 });
    after.forEach((e, i) => {
      if (e.variant !== CANARY) return;
      const shift = logit(e.prediction.score) - logit(championAfter[i].prediction.score);
      if (championAfter[i].prediction.score > 0.001 && championAfter[i].prediction.score < 0.999) expect(shift).toBeCloseTo(DEFAULT_SCHEDULE.canary_logit_shift, 3);
    });
  });

  it('moves the predictions: the model scores the drifted inputs', () => {
    const meanScore = (events: PredictionEvent[]): number => mean(events.map((e) => e.prediction.score));
    expect(Math.abs(meanScore(after) - meanScore(before))).toBeGreaterThan(0.02);
    for (const e of after) expect(e.prediction.label).toBe(e.prediction.score >= 0.5 ? 'approved' : 'rejected');
  });

  it('injects data-quality faults only after the switch, at about the configured rate', () => {
    const schedule = { ...DEFAULT_SCHEDULE, fault_rate: 0.1 };
    const clean = run(0, schedule);
    const faulty = run(30, schedule);
    const faults = (events: PredictionEvent[]) => ({
      quoted: events.filter((e) => ['income', 'age', 'credit_lines', 'loan_amount'].some((f) => typeof e.features[f] === 'string')).length,
      unseenCountry: events.filter((e) => !['DE', 'FR', 'ES', 'IT', 'NL', 'PL', 'SE', 'PT'].includes(e.features.country as string)).length,
      percent: events.filter((e) => (e.features.debt_ratio as number) > 1).length,
      unknownField: events.filter((e) => UNKNOWN_FIELD in e.features).length,
    });
    expect(faults(clean)).toEqual({ quoted: 0, unseenCountry: 0, percent: 0, unknownField: 0 });
    const counted = faults(faulty);
    const total = counted.quoted + counted.unseenCountry + counted.percent + counted.unknownField;
    // 5000 events × 0.1 = 500 ± 3 sd (21); a few percent-as-ratio values (debt ratio ≤ 0.01) stay ≤ 1.
    expect(total).toBeGreaterThan(430);
    expect(total).toBeLessThan(570);
    for (const kind of Object.values(counted)) expect(kind).toBeGreaterThan(80);
  });

  it('makes events in the public format, and NDJSON one per line', () => {
    const event = before[0];
    expect(Object.keys(event).sort()).toEqual(['features', 'id', 'latency_ms', 'model_version', 'prediction', 'timestamp', 'variant']);
    expect(event.id).toBe('demo-1');
    expect(event.timestamp).toBe(AT.toISOString());
    expect(event.model_version).toBe(event.variant === CANARY ? CANARY_VERSION : '2.3.0');
    expect(new Set(before.map((e) => e.id)).size).toBe(N);
    const latencies = before.map((e) => e.latency_ms).sort((a, b) => a - b);
    expect(Math.abs(latencies[N / 2] - 20)).toBeLessThan(1);
    const lines = toNdjson(before.slice(0, 3)).split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[1])).toEqual(before[1]);
  });

  it('rejects impossible schedules in words', () => {
    expect(scheduleProblems(DEFAULT_SCHEDULE)).toEqual([]);
    expect(scheduleProblems({ ...DEFAULT_SCHEDULE, drift_after_seconds: -1, fault_rate: 2 })).toEqual([
      'drift-after must be 0 or more seconds, not -1',
      'fault-rate must be between 0 and 1, not 2',
    ]);
  });
});
