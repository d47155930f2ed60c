import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NON_FINITE_MARKERS } from '../../src/ingest/tolerant-json.js';
import {
  Q_MISSING,
  Q_NON_FINITE,
  Q_OUT_OF_RANGE,
  Q_TYPE_ERRORS,
  Q_VALUES,
  slotBinsOf,
  slotOffsetsOf,
  readWindowInto,
} from '../../src/monitor/layout.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import type { Reference } from '../../src/reference/types.js';
import {
  categoricalSketch,
  countBins,
  normal,
  numericSketch,
  seededRandom,
  syntheticReference,
  testModel,
} from '../support/synthetic-reference.js';

const NAN_MARKER = [...NON_FINITE_MARKERS.entries()].find(([, v]) => Number.isNaN(v))![0];

function makeReference(model = testModel()): Reference {
  const random = seededRandom(7);
  const prices = Array.from({ length: 2000 }, () => normal(random, 100, 15));
  const countries = Array.from({ length: 2000 }, () => (random() < 0.5 ? 'DE' : random() < 0.6 ? 'FR' : 'US'));
  const returning = Array.from({ length: 2000 }, () => (random() < 0.3 ? 'true' : 'false'));
  const scores = Array.from({ length: 2000 }, () => random());
  return syntheticReference(
    model,
    { price: numericSketch(prices), country: categoricalSketch(countries), returning: categoricalSketch(returning) },
    numericSketch(scores),
  );
}

function monitorFor(model = testModel()): ModelMonitor {
  return new ModelMonitor(model, makeReference(model), [0.01, 0.1, 1]);
}

function quality(monitor: ModelMonitor, slot: number, counter: number): number {
  return monitor.state.defaultCell.qualityCount(monitor.layout.slots[slot], counter);
}

describe('ModelMonitor quality checks', () => {
  it('counts each kind of feature problem exactly, without coercion', () => {
    const m = monitorFor(testModel({ features: [
      { name: 'price', type: 'numeric', nullable: false, range: [0, 1000] },
      { name: 'country', type: 'categorical', nullable: false },
      { name: 'returning', type: 'boolean', nullable: false },
    ] }));
    const events = [
      { features: { price: 10, country: 'DE', returning: true } },
      { features: { price: null, country: 'XX', returning: 'yes' } },
      { features: { country: 'FR', returning: false, extra1: 1, extra2: 'a' } },
      { features: { price: '12.5', country: 3, returning: 1 } },
      { features: { price: 5000, country: 'US', returning: null } },
      { features: { price: NAN_MARKER, country: NAN_MARKER } },
    ];
    for (const e of events) expect(m.record({ ...e, prediction: 0.4 })).toBeNull();
    // price: values 10, 5000; missing null + absent; type error '12.5'; out of range 5000; NaN marker
    expect([Q_VALUES, Q_MISSING, Q_TYPE_ERRORS, Q_OUT_OF_RANGE, Q_NON_FINITE].map((q) => quality(m, 0, q))).toEqual([2, 2, 1, 1, 1]);
    // country: values DE, XX, FR, US; type errors 3 and the NaN marker (not a category); XX out of range
    expect([Q_VALUES, Q_MISSING, Q_TYPE_ERRORS, Q_OUT_OF_RANGE].map((q) => quality(m, 1, q))).toEqual([4, 0, 2, 1]);
    // returning: true, false; missing null + absent; type errors 'yes', 1
    expect([Q_VALUES, Q_MISSING, Q_TYPE_ERRORS].map((q) => quality(m, 2, q))).toEqual([2, 2, 2]);
    expect(m.state.defaultCell.unknownFields).toBe(2);
  });

  it('rejects malformed envelopes and records nothing of them', () => {
    const m = monitorFor();
    const bad = [
      null, 3, 'x', [], {}, { features: [] }, { features: null },
      { features: {}, latency_ms: '5' }, { features: {}, latency_ms: -1 },
      { features: {}, model_version: 2 }, { features: {}, id: {} }, { features: {}, timestamp: [] },
    ];
    for (const e of bad) expect(typeof m.record(e)).toBe('string');
    expect(m.state.defaultCell.quality.every((v) => v === 0)).toBe(true);
    expect(m.state.defaultCell.versionCounts.every((v) => v === 0)).toBe(true);
  });

  it('keeps __proto__ keys as unknown fields and never touches prototypes', () => {
    const m = monitorFor();
    const event = JSON.parse('{"features":{"__proto__":{"price":1},"price":3},"prediction":0.1}');
    expect(m.record(event)).toBeNull();
    expect(m.state.defaultCell.unknownFields).toBe(1);
    expect(quality(m, 0, Q_VALUES)).toBe(1);
    expect(({} as Record<string, unknown>).price).toBeUndefined();
  });

  it('folds versions beyond max_versions into __other__', () => {
    const m = monitorFor(testModel({ max_versions: 3 }));
    for (const v of ['1.0.0', 'a', 'b', 'c', 'd', undefined, '__other__']) m.record({ features: {}, model_version: v });
    expect(Array.from(m.state.defaultCell.versionCounts)).toEqual([2, 1, 1, 3]);
    expect([0, 1, 2, 3].map((i) => m.versions.nameOf(i))).toEqual(['1.0.0', 'a', 'b', '__other__']);
  });

  it('buckets latency in seconds', () => {
    const m = monitorFor();
    for (const ms of [5, 10, 50, 2000]) m.record({ features: {}, latency_ms: ms });
    // bounds 0.01, 0.1, 1 s: 5 ms and 10 ms (upper-inclusive), 50 ms, none, 2 s in +Inf
    expect(Array.from(m.state.defaultCell.latencyBuckets)).toEqual([2, 1, 0, 1]);
    expect(m.state.defaultCell.latencySum).toBeCloseTo(2.065, 12);
    expect(m.state.defaultCell.latencyCount).toBe(4);
  });

  it('quality counters partition the events for any feature values (property)', () => {
    const value = fc.oneof(
      fc.constant(undefined), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string(), fc.boolean(), fc.constantFrom('DE', 'FR', 'US', 'true', NAN_MARKER), fc.array(fc.integer(), { maxLength: 2 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value, value), { maxLength: 60 }), (rows) => {
        const m = monitorFor();
        for (const [price, country, returning] of rows) {
          const features: Record<string, unknown> = {};
          if (price !== undefined) features.price = price;
          if (country !== undefined) features.country = country;
          if (returning !== undefined) features.returning = returning;
          expect(m.record({ features })).toBeNull();
        }
        for (let slot = 0; slot < 3; slot++) {
          const total = [Q_VALUES, Q_MISSING, Q_TYPE_ERRORS, Q_NON_FINITE].reduce((a, q) => a + quality(m, slot, q), 0);
          expect(total).toBe(rows.length);
          const binned = m.state.defaultCell.slotBins(m.layout.slots[slot]).reduce((a, b) => a + b, 0);
          expect(binned).toBe(quality(m, slot, Q_VALUES));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('ModelMonitor bins and window', () => {
  it('bins numeric values exactly as binning the raw values with the fine edges', () => {
    const m = monitorFor();
    const random = seededRandom(3);
    const values = Array.from({ length: 3000 }, () => normal(random, 110, 30));
    for (const price of values) m.record({ features: { price } });
    const slot = m.layout.slots[0];
    if (slot.kind !== 'numeric') throw new Error('price is numeric');
    const expected = countBins(values, Array.from(slot.fineEdges));
    const cell = m.state.defaultCell;
    // The sub-window is recorded in the write layout (a bin's count and offset side by side): read it back.
    const window = readWindowInto(m.layout, cell.window.current, new Float64Array(m.layout.windowWidth));
    expect(Array.from(slotBinsOf(window, slot))).toEqual(expected);
    // Within-bin offsets: per fine bin, Σ (value - the bin's lower edge; edges[0] for bin 0).
    const edges = Array.from(slot.fineEdges);
    const offsets = expected.map(() => 0);
    for (const v of values) {
      const bin = countBins([v], edges).indexOf(1);
      offsets[bin] += v - edges[bin === 0 ? 0 : bin - 1];
    }
    const recorded = slotOffsetsOf(window, slot);
    offsets.forEach((offset, bin) => expect(recorded[bin]).toBeCloseTo(offset, 6));
    // Coarse bins are unions of fine bins: summing the fine ranges equals binning by coarse edges.
    const coarse = new Float64Array(slot.coarseEnd.length);
    cell.coarseCountsInto(slot, coarse);
    expect(Array.from(coarse)).toEqual(countBins(values, Array.from(slot.coarseEdges)));
  });

  it('keeps a value while its time bucket is within the window, and forgets it after', () => {
    const start = 1_000_000_000_000;
    const model = testModel();
    const m = new ModelMonitor(model, makeReference(model), [0.01, 0.1, 1], start);
    const window = m.state.defaultCell.window;
    const bucketMs = window.bucketMs;
    expect(bucketMs).toBe((model.drift.window_seconds * 1000) / model.drift.sub_windows);
    m.record({ features: { price: 100 } });
    const sum = new Float64Array(window.width);
    const binned = (): number => sum.slice(0, m.layout.totalBins).reduce((a, b) => a + b, 0);
    m.state.defaultCell.sumWindowInto(sum);
    expect(binned()).toBeGreaterThan(0);
    // Up to the last bucket that still holds it, then gone.
    m.state.advance(start + (window.count - 1) * bucketMs);
    m.state.defaultCell.sumWindowInto(sum);
    expect(binned()).toBe(1);
    m.state.advance(start + window.count * bucketMs);
    m.state.defaultCell.sumWindowInto(sum);
    expect(sum.every((v) => v === 0)).toBe(true);
    // A clock that goes back leaves the window alone; the cumulative bins never forget.
    m.state.advance(start);
    expect(window.currentBucket).toBe(window.bucketOf(start + window.count * bucketMs));
    expect(m.state.defaultCell.bins.reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe('ModelMonitor predictions', () => {
  it('binary: a bare score, a score object, a label, scores arrays', () => {
    const m = monitorFor();
    const predictions = [0.9, { score: 0.2 }, { label: 'yes' }, { scores: [0.3, 0.7] }, { scores: { no: 0.8, yes: 0.2 } }, 'no', { label: 'maybe', score: 0.5 }, '0.5', null, undefined];
    for (const prediction of predictions) m.record({ features: {}, prediction });
    const p = m.layout.prediction.index;
    // classes [no, yes, __other__]: 0.9→yes, 0.2→no, yes, 0.7→yes, 0.2→no, no, maybe→other,
    // and a bare string is a label, so '0.5' is an unknown class (no silent coercion to a score)
    expect(Array.from(m.state.defaultCell.classCounts)).toEqual([3, 3, 2]);
    expect(quality(m, p, Q_VALUES)).toBe(5); // scores 0.9, 0.2, 0.7, 0.2, 0.5
    expect(quality(m, p, Q_MISSING)).toBe(2);
    expect(quality(m, p, Q_TYPE_ERRORS)).toBe(0);
    expect(quality(m, p, Q_OUT_OF_RANGE)).toBe(2); // the unknown labels 'maybe' and '0.5'
  });

  it('multiclass: label or argmax of scores, unknown classes out of range', () => {
    const model = testModel({ task: 'multiclass_classification', classes: ['a', 'b', 'c'], prediction: { decision_threshold: 0.5 } });
    const labels = Array.from({ length: 300 }, (_, i) => ['a', 'b', 'c'][i % 3]);
    const reference = makeReference(model);
    reference.prediction = categoricalSketch(labels);
    const m = new ModelMonitor(model, reference, [1]);
    for (const prediction of ['a', { label: 'b' }, { scores: [0.1, 0.2, 0.7] }, { scores: { a: 0.9, b: 0.05, c: 0.05 } }, 'z', 7, { scores: 'x' }]) {
      m.record({ features: {}, prediction });
    }
    const p = m.layout.prediction.index;
    expect(Array.from(m.state.defaultCell.classCounts)).toEqual([2, 1, 1, 1]);
    expect(quality(m, p, Q_VALUES)).toBe(5);
    expect(quality(m, p, Q_OUT_OF_RANGE)).toBe(1);
    expect(quality(m, p, Q_TYPE_ERRORS)).toBe(2);
  });

  it('regression: a number or { value }', () => {
    const model = testModel({ task: 'regression', classes: [], prediction: { decision_threshold: 0.5 } });
    const m = new ModelMonitor(model, makeReference(model), [1]);
    for (const prediction of [1.5, { value: 2 }, { score: 0.3 }, 'x']) m.record({ features: {}, prediction });
    const p = m.layout.prediction.index;
    expect(quality(m, p, Q_VALUES)).toBe(3);
    expect(quality(m, p, Q_TYPE_ERRORS)).toBe(1);
    expect(m.state.defaultCell.valueSum(m.layout.prediction)).toBeCloseTo(3.8, 12);
  });
});
