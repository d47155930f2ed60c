// Numbers that overflow a double (1e999 parses to Infinity, -1e999 to -Infinity) are
// non-finite values, like the bare NaN/Infinity tokens: counted as such for features, the
// prediction and the latency, and kept out of every sum, bin and window. Before this,
// 1e999 entered the histogram and latency _sum (+Inf until restart), a later -1e999 made
// them NaN, and the window's Wasserstein was +Inf.
import { describe, expect, it } from 'vitest';
import { DriftComputer, METHODS_PER_SLOT, NUMERIC_METHODS } from '../../src/monitor/drift.js';
import { Q_NON_FINITE, Q_OUT_OF_RANGE, Q_VALUES, readWindowInto } from '../../src/monitor/layout.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { testModel, testReference } from '../support/synthetic-reference.js';

function setup() {
  const model = testModel();
  model.drift.min_samples = 10;
  const monitor = new ModelMonitor(model, testReference(model), [0.01, 0.1, 1]);
  return { monitor, drift: new DriftComputer(monitor.layout, model.drift) };
}

const event = (price: string, score: string, latency: string) =>
  JSON.parse(`{"features":{"price":${price},"country":"DE","returning":true},"prediction":{"score":${score}},"latency_ms":${latency}}`) as unknown;

function sum(values: ArrayLike<number>, from = 0, to = values.length): number {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i];
  return total;
}

describe('overflowing numbers', () => {
  it('count as non-finite for features, prediction and latency, and stay out of sums, bins and windows', () => {
    const { monitor, drift } = setup();
    const { layout } = monitor;
    const state = monitor.state.defaultCell;
    for (let i = 0; i < 20; i++) expect(monitor.record(event(String(90 + i), '0.5', '3'))).toBeNull();
    // The numeric slots' bins: price and the score (the categorical ones do take these events).
    const numeric = [layout.slots[0], layout.prediction];
    const binsOf = (values: ArrayLike<number>) => numeric.map((s) => sum(values, s.binOffset, s.binOffset + s.binCount));
    const cumulativeOf = (values: ArrayLike<number>) => numeric.map((s) => sum(values, s.cumulativeOffset, s.cumulativeOffset + s.cumulativeCount));
    const windowRead = () => readWindowInto(layout, state.window.current, new Float64Array(layout.windowWidth));
    const binsBefore = cumulativeOf(state.bins);
    const windowBefore = binsOf(windowRead());
    const sumsBefore = Array.from(state.sums);
    const latencySumBefore = state.latencySum;

    expect(monitor.record(event('1e999', '1e999', '1e999'))).toBeNull();
    expect(monitor.record(event('-1e999', '-1e999', '-1e999'))).toBeNull();

    const price = layout.slots[0];
    const prediction = layout.prediction;
    expect(state.qualityCount(price, Q_NON_FINITE)).toBe(2);
    expect(state.qualityCount(price, Q_VALUES)).toBe(20);
    expect(state.qualityCount(price, Q_OUT_OF_RANGE)).toBe(0);
    expect(state.qualityCount(prediction, Q_NON_FINITE)).toBe(2);
    expect(state.qualityCount(prediction, Q_VALUES)).toBe(20);
    expect(state.nonFiniteLatencies).toBe(2);
    expect(state.latencyCount).toBe(20);
    expect(state.latencySum).toBe(latencySumBefore);
    expect(Array.from(state.sums)).toEqual(sumsBefore);
    expect(cumulativeOf(state.bins)).toEqual(binsBefore);
    expect(binsOf(windowRead())).toEqual(windowBefore);
    // Both events are still accepted: they count as predictions.
    expect(sum(state.versionCounts)).toBe(22);

    drift.compute(state, Date.now() / 1000);
    for (let m = 0; m < NUMERIC_METHODS.length; m++) {
      expect(Number.isFinite(state.drift.scores[0 * METHODS_PER_SLOT + m])).toBe(true);
      expect(Number.isFinite(state.drift.scores[layout.prediction.index * METHODS_PER_SLOT + m])).toBe(true);
    }
  });

  it('keeps the event and counts a NaN or Infinity latency token as non-finite', () => {
    const { monitor } = setup();
    for (const marker of ['\u0000NaN', '\u0000Infinity', '\u0000-Infinity']) {
      expect(monitor.record({ features: { price: 1 }, prediction: 0.5, latency_ms: marker })).toBeNull();
    }
    expect(monitor.state.defaultCell.nonFiniteLatencies).toBe(3);
    expect(monitor.state.defaultCell.latencyCount).toBe(0);
    expect(monitor.record({ features: {}, latency_ms: -1 })).toMatch(/latency_ms/);
    expect(monitor.record({ features: {}, latency_ms: '3' })).toMatch(/latency_ms/);
  });

  it('does not let an infinite score pick the class of a binary model', () => {
    const { monitor } = setup();
    monitor.record(event('100', '1e999', '1'));
    expect(Array.from(monitor.state.defaultCell.classCounts)).toEqual([0, 0, 0]);
  });
});
