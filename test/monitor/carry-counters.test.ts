// A reload's carry-over of a changed model (src/monitor/carry-counters.ts), against an oracle:
// a monitor of the new layout that recorded the same events itself. Every cumulative counter
// of the carried state equals the oracle's — exactly, they are counts — except the bins of a
// slot whose edges changed (empty, and named); the drift window and results start fresh.
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/config/types.js';
import { carryCounters } from '../../src/monitor/carry-counters.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import type { Reference } from '../../src/reference/types.js';
import { categoricalSketch, normal, numericSketch, seededRandom, syntheticReference, testModel } from '../support/synthetic-reference.js';

const NOW = 1_800_000_000_000;
const LATENCY = [0.01, 0.1, 1];

/** A reference whose price sketch comes from `priceSeed` (other seed: other edges); the rest fixed. */
function reference(model: ModelConfig, priceSeed: number, checksum: string): Reference {
  const prices = seededRandom(priceSeed);
  const random = seededRandom(5);
  const n = 3000;
  const ref = syntheticReference(
    model,
    {
      price: numericSketch(Array.from({ length: n }, () => normal(prices, 100, 20))),
      country: categoricalSketch(Array.from({ length: n }, () => (random() < 0.5 ? 'DE' : random() < 0.7 ? 'FR' : 'US'))),
      returning: categoricalSketch(Array.from({ length: n }, () => (random() < 0.3 ? 'true' : 'false'))),
    },
    numericSketch(Array.from({ length: n }, () => random())),
  );
  // A calibration (the same map in every reference), so the estimate's expected counts move too.
  const bins = ref.prediction.kind === 'numeric' ? ref.prediction.fine_edges.length + 1 : 0;
  const map = Array.from({ length: bins }, (_, b) => (b + 0.5) / bins);
  return { ...ref, calibration: { method: 'isotonic', used: true, folds: 5, raw_ece: 0.1, calibrated_ece: 0.05, map }, checksum };
}

/** Events with every kind of counter moving: versions (beyond max_versions too), classes, quality problems, latencies. */
function events(n: number): unknown[] {
  const random = seededRandom(11);
  return Array.from({ length: n }, (_, i) => ({
    features: {
      price: i % 17 === 0 ? null : i % 23 === 0 ? 'cheap' : normal(random, 110, 25),
      country: ['DE', 'FR', 'US', 'JP'][i % 4],
      returning: i % 3 === 0,
      ...(i % 29 === 0 ? { extra: 1 } : {}),
    },
    prediction: { score: random(), label: i % 2 === 0 ? 'yes' : 'no' },
    latency_ms: 1 + (i % 700),
    model_version: ['1.0.0', '1.1.0', '2.0.0', '3.0.0', '4.0.0'][i % 5],
  }));
}

function monitor(model: ModelConfig, ref: Reference): ModelMonitor {
  return new ModelMonitor(model, ref, LATENCY, NOW, undefined, () => NOW);
}

function feed(m: ModelMonitor, list: readonly unknown[]): void {
  for (const event of list) expect(m.record(event)).toBeNull();
}

describe('carryCounters (a reload of a changed model)', () => {
  // A configured range: out-of-range then does not depend on the reference's min and max, so
  // the oracle counts what the old state counted (without one, the carried counts are the old
  // reference's verdicts, which is what they were when counted).
  const base = testModel();
  const model = testModel({ features: base.features.map((f) => (f.name === 'price' ? { ...f, range: [0, 150] as [number, number] } : f)) });
  const recorded = events(600);

  it('a new reference with other price edges: every counter continues but the price histogram, the window starts empty', () => {
    const old = monitor(model, reference(model, 1, 'old'));
    feed(old, recorded);
    const next = monitor(model, reference(model, 2, 'new'));
    const oracle = monitor(model, reference(model, 2, 'new'));
    feed(oracle, recorded);

    const outcome = carryCounters(old.state, next.state);
    expect(outcome).toEqual({ binsReset: ['price'], latencyReset: false, cellsDropped: 0 });
    const [cell] = next.state.cells;
    const [truth] = oracle.state.cells;
    expect([...cell.qualityTotals()]).toEqual([...truth.qualityTotals()]);
    expect([...cell.classCounts]).toEqual([...truth.classCounts]);
    expect([...cell.versionCounts]).toEqual([...truth.versionCounts]);
    expect(next.state.versions.names).toEqual(oracle.state.versions.names);
    expect([...cell.latencyBuckets]).toEqual([...truth.latencyBuckets]);
    expect([...cell.totals]).toEqual([...truth.totals]);
    expect(truth.expected.some((v) => v > 0)).toBe(true);
    expect([...cell.expected]).toEqual([...truth.expected]);
    const layout = next.layout;
    for (const slot of layout.slots) {
      const bins = [...cell.slotBins(slot)];
      if (slot.name === 'price') {
        expect(bins.every((b) => b === 0)).toBe(true);
        expect(cell.valueSum(slot)).toBe(0);
      } else {
        expect(bins, slot.name || 'prediction').toEqual([...truth.slotBins(slot)]);
        expect(cell.valueSum(slot)).toBe(truth.valueSum(slot));
      }
    }
    // A fresh window and no drift result: measured against the new reference only.
    const window = new Float64Array(layout.windowWidth);
    cell.sumWindowInto(window);
    expect(window.every((v) => v === 0)).toBe(true);
    expect([...cell.drift.samples].every((s) => s === 0 || Number.isNaN(s))).toBe(true);
  });

  it('a new expected version, other latency buckets: versions carried by name, the latency histogram starts empty', () => {
    const old = monitor(model, reference(model, 1, 'old'));
    feed(old, recorded);
    const deployed: ModelConfig = { ...model, version: '2.0.0', max_versions: 4 };
    const next = new ModelMonitor(deployed, reference(deployed, 1, 'old'), [0.05, 0.5], NOW, undefined, () => NOW);
    const outcome = carryCounters(old.state, next.state);
    expect(outcome.latencyReset).toBe(true);
    expect(outcome.binsReset).toEqual([]);
    const [was] = old.state.cells;
    const [cell] = next.state.cells;
    const countOf = (names: readonly string[], counts: Float64Array, capacity: number): Map<string, number> =>
      new Map([...names.map((name, i) => [name, counts[i]] as const), ['__other__', counts[capacity]] as const]);
    const before = countOf(old.state.versions.names, was.versionCounts, old.state.versions.capacity);
    const after = countOf(next.state.versions.names, cell.versionCounts, next.state.versions.capacity);
    // Every event still counts once, under its own version where the new index has room.
    expect([...after.values()].reduce((a, b) => a + b)).toBe(600);
    for (const [name, count] of before) if (name !== '__other__') expect(after.get(name), name).toBe(count);
    expect(next.state.versions.names[0]).toBe('2.0.0');
    expect(cell.latencyCount).toBe(0);
    expect([...cell.latencyBuckets].every((b) => b === 0)).toBe(true);
    expect(cell.unknownFields).toBe(was.unknownFields);
  });
});
