// The fleet drift recording rules in a real Prometheus, over three real mlwatch replicas
// with different traffic: the recorded PSI and JS distance equal the exact values
// (src/stats/binned.ts) over the union of the replicas' events, and, while one replica alone
// has traffic in the window, mlwatch's own mlwatch_feature_drift gauge.
//
// Windows. The rules run with a 20 s window (1 s scrapes, 1.1 s evaluations). Each replica is
// primed with events before Prometheus starts, so every series is well above zero when a
// range begins, and its mlwatch window is then emptied: from there on mlwatch's window and the
// rules' range hold the same events. Checks run only while every range starts after the
// replicas' first scrape (no replica is "new" in it) and before the test traffic's scrapes
// leave it. In that steady state increase() scales every series of every replica by the same
// factor, window / sampled span (= 20/19 for 20 samples one second apart), which cancels in
// the shares: the fleet value is the exact one up to float rounding and scrape-time jitter.
//
// Noise levels: the recorded fleet noise level is the largest of the replicas' exported ones
// (replicas below min_samples export none), never below the noise level at the fleet's own n
// (conservative), and the recorded decision is fleet drift >= threshold and >= that level.
//
// Timeline (t0 = the last replica's first scrape): replica A gets its traffic at t0 + 15 s;
// phase 1 reads the rules once the range starts after t0 (t0 + 21 s): only A's events are in
// it. Then B and C get theirs; phase 2 reads the rules after they are scraped, before
// A's pre-traffic sample leaves the range (t0 + 34 s).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodsOf } from '../../src/monitor/drift.js';
import type { ModelLayout } from '../../src/monitor/layout.js';
import {
  FLEET_FEATURE_DRIFT,
  FLEET_FEATURE_DRIFTED,
  FLEET_FEATURE_NOISE,
  FLEET_PREDICTION_DRIFT,
  FLEET_PREDICTION_DRIFTED,
  FLEET_PREDICTION_NOISE,
  renderFleetDriftRules,
} from '../../src/rules/fleet-drift.js';
import { noiseLevelAt } from '../../src/stats/noise-level.js';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import { testClock } from '../support/clock.js';
import { exactDrift, queryAt, unevenExtrapolation, weightedDrift, type SlotDrift } from '../support/fleet.js';
import { MODEL, createModelFixture, eventGenerator, postInBatches, type ModelFixture, type PredictionEvent } from '../support/model-fixture.js';
import { PROMETHEUS_BIN, binaryGate, requireBinary, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

const gate = binaryGate(PROMETHEUS_BIN, 'prometheus');
requireBinary(gate, it);

const WINDOW_SECONDS = 20;
const SUB_WINDOWS = 6;
/** mlwatch's own drift window; the test empties it by moving the sidecar's clock past it. */
const DRIFT_WINDOW_SECONDS = 3600;
/**
 * Off the 1 s scrape schedule on purpose: evaluations drift across the scrapes' phases, so
 * phase 2 can pick one no scrape was in flight for (see recorded()).
 */
const EVALUATION_INTERVAL = '1100ms';
const SETTLE_SECONDS = 0.05;
/** A's traffic goes out this long after the last first scrape, so phase 1 can start soon after the range clears t0. */
const A_TRAFFIC_AFTER_T0 = WINDOW_SECONDS - 5;
/** The rules' arithmetic against mlwatch's or binned.ts's on the same counts: float rounding only. */
const SINGLE_TOLERANCE = 1e-9;
/**
 * Fleet against the exact union (relative above 1, absolute below). The replicas' increase()
 * factors are equal (20/19) when their scrapes keep the 1 s schedule, and then the error is
 * rounding (1e-15 measured). A scrape timestamp off schedule by d (Prometheus snaps only
 * within 2 ms) moves that replica's weight by up to d / 19 s, and this traffic's drift by
 * about 0.4x the weight error: 1e-3 allows ~50 ms of jitter. The exact check against the
 * factors Prometheus actually applied is the SINGLE_TOLERANCE one.
 */
const FLEET_TOLERANCE = 1e-3;

interface Replica {
  name: string;
  sidecar: Sidecar;
  instance: string;
  primed: PredictionEvent[];
  traffic: PredictionEvent[];
}

describe.skipIf(!gate.available)('fleet drift recording rules over three mlwatch replicas', () => {
  let fixture: ModelFixture;
  let prometheus: RunningPrometheus;
  let rulesDir: string;
  let layout: ModelLayout;
  const replicas: Replica[] = [];
  /** Unix seconds of the last replica's first scrape. */
  let t0 = 0;

  beforeAll(async () => {
    fixture = await createModelFixture({
      drift: { window_seconds: DRIFT_WINDOW_SECONDS, sub_windows: SUB_WINDOWS, min_samples: 100, compute_interval_seconds: 1 },
    });
    const plans: [string, number, (g: ReturnType<typeof eventGenerator>) => PredictionEvent[]][] = [
      ['A', 21, (g) => g.undrifted(400)],
      ['B', 22, (g) => g.drifted(300)],
      ['C', 23, (g) => [...g.undrifted(200), ...g.drifted(150)]],
    ];
    for (const [name, seed, traffic] of plans) {
      const generator = eventGenerator(seed);
      const clock = testClock();
      const sidecar = await startSidecar(fixture.config, {
        ingestListen: { host: '127.0.0.1', port: 0 },
        metricsListen: { host: '127.0.0.1', port: 0 },
        processMetrics: false,
        logger: pino({ level: 'silent' }),
        clock,
      });
      const primed = [...generator.undrifted(1500), ...generator.drifted(500)];
      await postInBatches(sidecar.ingestUrl, primed);
      // From here mlwatch's window holds only what the test sends next.
      clock.advance(DRIFT_WINDOW_SECONDS * 1000);
      replicas.push({ name, sidecar, instance: new URL(sidecar.metricsUrl).host, primed, traffic: traffic(generator) });
    }
    layout = replicas[0].sidecar.fleet.models[0].monitor.layout;
    rulesDir = await mkdtemp(join(tmpdir(), 'mlwatch-fleet-rules-'));
    const ruleFile = join(rulesDir, 'fleet-drift.rules.yml');
    await writeFile(ruleFile, renderFleetDriftRules({ window: `${WINDOW_SECONDS}s`, evaluationInterval: EVALUATION_INTERVAL }));
    prometheus = await startPrometheus({ targets: replicas.map((r) => r.instance), ruleFiles: [ruleFile] });
    const first = await prometheus.waitFor(`timestamp(mlwatch_model_info{model="${MODEL}"})`, (r) => r.length === 3, 20_000);
    t0 = Math.max(...first.map((s) => s.value));
  });

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all(replicas.map((r) => r.sidecar.close()));
    await fixture?.cleanup();
    if (rulesDir) await rm(rulesDir, { recursive: true, force: true });
  });

  /** Posts a replica's traffic and returns when Prometheus holds a scrape that began after it. */
  async function send(replica: Replica): Promise<number> {
    await postInBatches(replica.sidecar.ingestUrl, replica.traffic);
    const sent = Date.now() / 1000 + 0.01;
    const [scrape] = await prometheus.waitFor(`timestamp(mlwatch_model_info{instance="${replica.instance}"})`, (r) => r.length === 1 && r[0].value > sent);
    return scrape.value;
  }

  /**
   * The recorded fleet drift, by slot and method, of the first evaluation at or after `after`
   * (Unix seconds), and that evaluation's time, so other queries can be made at the same time.
   * `settled`: only an evaluation that no scrape was still being written for — one that began
   * within SETTLE_SECONDS before it may have been committed after the rules read the data, and
   * would then count in our queries at that time but not in the rules'.
   */
  async function recorded(after: number, settled = false): Promise<{ time: number; values: Map<string, number> }> {
    const selector = `{__name__=~"${FLEET_FEATURE_DRIFT}|${FLEET_PREDICTION_DRIFT}"}`;
    for (let from = after; ; ) {
      const stamps = await prometheus.waitFor(`timestamp(${selector})`, (r) => r.length > 0 && r.every((s) => s.value >= from), 15_000);
      const time = Math.min(...stamps.map((s) => s.value));
      const scrapes = await queryAt(prometheus.url, `timestamp(mlwatch_model_info{model="${MODEL}"})`, time);
      if (!settled || scrapes.every((s) => time - s.value >= SETTLE_SECONDS)) {
        const samples = await queryAt(prometheus.url, selector, time);
        return { time, values: new Map(samples.map((s) => [`${s.metric.feature ?? ''}/${s.metric.method}`, s.value])) };
      }
      from = time + 0.001;
    }
  }

  /** increase()'s factor per replica at `time`: its extrapolated count of predictions over the true one. */
  async function extrapolation(time: number, counts: Map<Replica, number>): Promise<Map<Replica, number>> {
    const increases = await queryAt(prometheus.url, `increase(mlwatch_prediction_value_count{model="${MODEL}"}[${WINDOW_SECONDS}s])`, time);
    const factors = new Map<Replica, number>();
    for (const [replica, count] of counts) {
      const increase = increases.find((s) => s.metric.instance === replica.instance);
      factors.set(replica, (increase?.value ?? NaN) / count);
    }
    return factors;
  }

  /**
   * At the evaluation `time`: the fleet noise level is the largest exporting replica's, at least
   * the level the reference gives at the fleet's n (`fleetValues` values in all), and the fleet
   * decision is drift >= threshold and >= that level. Returns the number of (slot, method) checked.
   */
  async function checkNoise(time: number, drift: Map<string, number>, exporting: Replica[], fleetValues: number): Promise<number> {
    const byKey = (samples: { metric: Record<string, string>; value: number }[]): Map<string, number> =>
      new Map(samples.map((x) => [`${x.metric.feature ?? ''}/${x.metric.method}`, x.value]));
    const replicaNoise = await queryAt(prometheus.url, '{__name__=~"mlwatch_feature_drift_noise|mlwatch_prediction_drift_noise", method=~"psi|jensen_shannon"}', time);
    expect(new Set(replicaNoise.map((x) => x.metric.instance))).toEqual(new Set(exporting.map((r) => r.instance)));
    const largest = new Map<string, number>();
    for (const [key, value] of replicaNoise.map((x) => [`${x.metric.feature ?? ''}/${x.metric.method}`, x.value] as const)) {
      largest.set(key, Math.max(largest.get(key) ?? -Infinity, value));
    }
    const fleetNoise = byKey(await queryAt(prometheus.url, `{__name__=~"${FLEET_FEATURE_NOISE}|${FLEET_PREDICTION_NOISE}"}`, time));
    const drifted = byKey(await queryAt(prometheus.url, `{__name__=~"${FLEET_FEATURE_DRIFTED}|${FLEET_PREDICTION_DRIFTED}"}`, time));
    expect(fleetNoise).toEqual(largest);
    const thresholds = fixture.config.models[0].drift.thresholds;
    for (const slot of layout.slots) {
      methodsOf(slot).forEach((method, m) => {
        if (method !== 'psi' && method !== 'jensen_shannon') return;
        const key = `${slot.name}/${method}`;
        const noise = fleetNoise.get(key) as number;
        // Conservative: the level at the fleet's own window size is no higher.
        const atFleetSize = noiseLevelAt(slot.noise?.windows ?? [], slot.noise?.levels[m] ?? [], fleetValues, false);
        expect(noise, `${key}: fleet noise ${noise} vs the level at n = ${fleetValues}, ${atFleetSize}`).toBeGreaterThanOrEqual(atFleetSize);
        const score = drift.get(key) as number;
        expect(drifted.get(key), `${key}: drift ${score}, threshold ${thresholds[method]}, noise ${noise}`).toBe(score >= thresholds[method] && score >= noise ? 1 : 0);
      });
    }
    return drifted.size;
  }

  function expectClose(actual: number | undefined, expected: number, tolerance: number, what: string): void {
    expect(actual, what).toBeDefined();
    const error = Math.abs((actual as number) - expected);
    expect(error, `${what}: recorded ${actual}, expected ${expected}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
  }

  it('the traffic keeps every replica in increase()\'s steady state (precondition of the tolerance)', () => {
    for (const r of replicas) {
      expect(unevenExtrapolation(layout, r.primed, r.traffic, WINDOW_SECONDS), r.name).toEqual([]);
    }
  });

  it('one replica with traffic: the recorded values equal its own mlwatch_feature_drift gauges', async () => {
    const [a] = replicas;
    await sleepUntil(t0 + A_TRAFFIC_AFTER_T0);
    await send(a);
    // A scrape of gauges computed after all of A's traffic was recorded (they are computed every second).
    const [ready] = await prometheus.waitFor(
      `timestamp(mlwatch_prediction_drift_window_samples{instance="${a.instance}"} == ${a.traffic.length})`,
      (r) => r.length === 1,
    );
    const { time, values } = await recorded(Math.max(ready.value, t0 + WINDOW_SECONDS) + 1);
    const own = await queryAt(prometheus.url, `{__name__=~"mlwatch_feature_drift|mlwatch_prediction_drift", instance="${a.instance}", method=~"psi|jensen_shannon"}`, time);
    expect(own.length).toBe(2 * layout.slots.length);
    const exact = new Map(exactDrift(layout, a.traffic).map((d) => [d.slot, d]));
    let worst = 0;
    for (const gauge of own) {
      const slot = gauge.metric.feature ?? '';
      const key = `${slot}/${gauge.metric.method}`;
      expectClose(values.get(key), gauge.value, SINGLE_TOLERANCE, `fleet ${key} vs replica A's gauge`);
      worst = Math.max(worst, Math.abs((values.get(key) ?? NaN) - gauge.value));
      // The test's own binning agrees with mlwatch's, so phase 2's exact values are trustworthy.
      expectClose(pick(exact.get(slot), gauge.metric.method), gauge.value, SINGLE_TOLERANCE, `exact ${key} vs replica A's gauge`);
    }
    console.info(`fleet drift, replica A alone: ${summary(values)}; largest difference from A's gauges ${worst.toExponential(2)}`);
    // B and C hold no values in their mlwatch windows (below min_samples): A's noise levels are the fleet's.
    expect(await checkNoise(time, values, [a], a.traffic.length)).toBe(2 * layout.slots.length);
  });

  it('three replicas with different traffic: the recorded values equal PSI and JS over the union of their events', async () => {
    const [a, b, c] = replicas;
    const scraped = Math.max(await send(b), await send(c));
    const { time, values } = await recorded(scraped + 1, true);
    // A's last scrape before its traffic must still be in the range: the union is all three.
    expect(time, "phase 2 read before A's traffic left the window").toBeLessThan(t0 + A_TRAFFIC_AFTER_T0 + WINDOW_SECONDS - 1);
    const factors = await extrapolation(time, new Map(replicas.map((r) => [r, r.traffic.length])));
    const union = exactDrift(layout, [...a.traffic, ...b.traffic, ...c.traffic]);
    const weighted = new Map(weightedDrift(layout, replicas.map((r) => ({ events: r.traffic, weight: factors.get(r) ?? NaN }))).map((d) => [d.slot, d]));
    const worst = { error: 0, key: '' };
    for (const exact of union) {
      for (const method of ['psi', 'jensen_shannon'] as const) {
        const key = `${exact.slot}/${method}`;
        const value = values.get(key);
        // The rules' arithmetic, exactly, on the counts Prometheus extrapolated...
        expectClose(value, pick(weighted.get(exact.slot), method), SINGLE_TOLERANCE, `fleet ${key} vs the union weighted by increase()'s factors`);
        // ...which are the union's own counts up to a common factor and scrape jitter.
        expectClose(value, pick(exact, method), FLEET_TOLERANCE, `fleet ${key} vs the union's exact value`);
        const error = Math.abs((value ?? NaN) - pick(exact, method)) / Math.max(1, Math.abs(pick(exact, method)));
        if (error > worst.error) Object.assign(worst, { error, key });
      }
    }
    expect(values.size).toBe(2 * layout.slots.length);
    expect(await checkNoise(time, values, replicas, a.traffic.length + b.traffic.length + c.traffic.length)).toBe(2 * layout.slots.length);
    const f = [...factors.values()];
    console.info(
      `fleet drift, union of A, B, C: ${summary(values)}; increase() factors ${f.map((x) => x.toFixed(6)).join(' ')} ` +
        `(spread ${(Math.max(...f) / Math.min(...f) - 1).toExponential(2)}); largest relative error vs the exact union ${worst.error.toExponential(2)} (${worst.key})`,
    );
  });
});

function pick(drift: SlotDrift | undefined, method: string): number {
  if (!drift) return NaN;
  return method === 'psi' ? drift.psi : drift.jensenShannon;
}

function summary(values: Map<string, number>): string {
  return [...values].sort().map(([key, value]) => `${key || 'prediction'}=${value.toPrecision(6)}`).join(', ');
}

async function sleepUntil(unixSeconds: number): Promise<void> {
  const ms = unixSeconds * 1000 - Date.now();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
