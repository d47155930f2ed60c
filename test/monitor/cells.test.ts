// Slices of a model's state against oracles made of unsliced monitors: the variants' cells add
// up to exactly what one unsliced monitor records of the same events; each segment's cells
// partition them; a cell holds exactly what an unsliced monitor fed only its events records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/config/types.js';
import type { CellReader } from '../../src/monitor/cell-reader.js';
import { MISSING_SEGMENT } from '../../src/monitor/cell-index.js';
import { cellBudget, cellBudgetProblem } from '../../src/monitor/cell-budget.js';
import { QUALITY_COUNTERS } from '../../src/monitor/layout.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import type { Reference } from '../../src/reference/types.js';
import { categoricalSketch, normal, numericSketch, seededRandom, syntheticReference, testModel } from '../support/synthetic-reference.js';

const VARIANTS = ['champion', 'canary', 'shadow'];
const PRICE_EDGES = [80, 120];

function slicedModel(): ModelConfig {
  return testModel({
    variants: { names: VARIANTS, shadows: ['canary', 'shadow'], pairing_ttl_seconds: 60, max_pending_pairs: 1000 },
    segments: [{ feature: 'country' }, { feature: 'price', edges: PRICE_EDGES }],
  });
}

function reference(model: ModelConfig): Reference {
  const random = seededRandom(5);
  const prices = Array.from({ length: 3000 }, () => normal(random, 100, 20));
  const countries = Array.from({ length: 3000 }, () => (random() < 0.5 ? 'DE' : random() < 0.7 ? 'FR' : 'US'));
  const returning = Array.from({ length: 3000 }, () => (random() < 0.3 ? 'true' : 'false'));
  const scores = Array.from({ length: 3000 }, () => random());
  return syntheticReference(
    model,
    { price: numericSketch(prices), country: categoricalSketch(countries), returning: categoricalSketch(returning) },
    numericSketch(scores),
  );
}

const NOW = 1_800_000_000_000;

function unsliced(model: ModelConfig, ref: Reference): ModelMonitor {
  return new ModelMonitor({ ...model, variants: { ...model.variants, names: [] }, segments: [] }, ref, [0.01, 0.1], NOW);
}

/** Every number a collector can read of a cell, as one list. */
function readAll(reader: CellReader, monitor: ModelMonitor): number[] {
  const { layout } = monitor;
  const out: number[] = [];
  for (const slot of layout.slots) {
    for (let q = 0; q < QUALITY_COUNTERS; q++) out.push(reader.qualityCount(slot, q));
    for (let b = 0; b < slot.cumulativeCount; b++) out.push(reader.binCount(slot, b));
    out.push(Math.round(reader.valueSum(slot) * 1e6));
  }
  for (let c = 0; c < layout.classNames.length; c++) out.push(reader.classCount(c));
  for (let v = 0; v <= monitor.state.versions.capacity; v++) out.push(reader.versionCount(v));
  for (let b = 0; b < 3; b++) out.push(reader.latencyBucketCount(b));
  out.push(reader.latencyCount, reader.unknownFields);
  const window = new Float64Array(layout.windowWidth);
  reader.sumWindowInto(window);
  out.push(...Array.from(window.subarray(0, layout.totalBins)));
  // The within-bin offset sums (written beside each count): sums of floats, compared like valueSum.
  for (const v of window.subarray(layout.totalBins, layout.totalBins + layout.totalOffsets)) out.push(Math.round(v * 1e6));
  return out;
}

const featureValue = fc.oneof(fc.constant(undefined), fc.constant(null), fc.double({ min: 0, max: 200, noNaN: true }), fc.constant('x'));
const event = fc.record({
  price: featureValue,
  country: fc.constantFrom(undefined, 'DE', 'FR', 'US', 'JP', 7),
  returning: fc.constantFrom(undefined, true, false),
  variant: fc.constantFrom(undefined, 'champion', 'canary', 'shadow', 'beta'),
  score: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant('bad')),
  latency: fc.constantFrom(undefined, 5, 50, 500),
  version: fc.constantFrom(undefined, '1.0.0', '2.0.0'),
});
type Event = typeof event extends fc.Arbitrary<infer T> ? T : never;

function toEvent(e: Event): Record<string, unknown> {
  const features: Record<string, unknown> = {};
  if (e.price !== undefined) features.price = e.price;
  if (e.country !== undefined) features.country = e.country;
  if (e.returning !== undefined) features.returning = e.returning;
  return { features, prediction: { score: e.score }, variant: e.variant, latency_ms: e.latency, model_version: e.version };
}

function segmentValueOf(e: Event, segment: number): string {
  if (segment === 0) {
    if (typeof e.country !== 'string') return MISSING_SEGMENT;
    return ['DE', 'FR', 'US'].includes(e.country) ? e.country : '__other__';
  }
  if (typeof e.price !== 'number') return MISSING_SEGMENT;
  return e.price <= 80 ? '(-Inf, 80]' : e.price <= 120 ? '(80, 120]' : '(120, +Inf)';
}

describe('sliced state', () => {
  const model = slicedModel();
  const ref = reference(model);

  it('has one cell per variant (plus __other__) and per segment value (plus __other__ and __missing__)', () => {
    const m = new ModelMonitor(model, ref, [0.01, 0.1], NOW);
    const index = m.state.index;
    expect(index.variantNames).toEqual([...VARIANTS, '__other__']);
    expect(index.segments.map((s) => s.values)).toEqual([
      ['DE', 'FR', 'US', '__other__', MISSING_SEGMENT],
      ['(-Inf, 80]', '(80, 120]', '(120, +Inf)', MISSING_SEGMENT],
    ]);
    expect(m.state.cells).toHaveLength(4 + 5 + 4);
  });

  it('variants add up to the unsliced model, and every cell holds exactly its own events (property)', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const sliced = new ModelMonitor(model, ref, [0.01, 0.1], NOW);
        const whole = unsliced(model, ref);
        for (const e of events) {
          expect(sliced.record(toEvent(e))).toBeNull();
          whole.record(toEvent(e));
        }
        expect(readAll(sliced.state.model, sliced)).toEqual(readAll(whole.state.model, whole));
        const { index, cells } = sliced.state;
        index.variantNames.forEach((name, v) => {
          const oracle = unsliced(model, ref);
          for (const e of events) {
            const variant = e.variant === undefined ? 'champion' : VARIANTS.includes(e.variant) ? e.variant : '__other__';
            if (variant === name) oracle.record(toEvent(e));
          }
          expect(readAll(cells[index.variantCell(v)], sliced)).toEqual(readAll(oracle.state.model, oracle));
        });
        index.segments.forEach((segment, s) => {
          segment.values.forEach((value, k) => {
            const oracle = unsliced(model, ref);
            for (const e of events) if (segmentValueOf(e, s) === value) oracle.record(toEvent(e));
            expect(readAll(cells[index.segmentCell(s, k)], sliced)).toEqual(readAll(oracle.state.model, oracle));
          });
        });
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a variant that is not a string, and records nothing of it', () => {
    const m = new ModelMonitor(model, ref, [0.01, 0.1], NOW);
    expect(m.record({ features: {}, variant: 3 })).toMatch(/"variant" must be a string/);
    expect(readAll(m.state.model, m).every((v) => v === 0)).toBe(true);
  });
});

describe('variant pairing', () => {
  const model = slicedModel();
  const ref = reference(model);

  it('pairs each variant with the default by id: agreement on the class and the score difference', () => {
    const m = new ModelMonitor(model, ref, [0.01], NOW);
    // id 1: champion 0.9 (yes) then canary 0.7 (yes); id 2: shadow 0.2 (no) before champion 0.6 (yes);
    // id 3: canary only; id 4: champion, canary and shadow.
    const events = [
      { id: 1, variant: 'champion', score: 0.9 },
      { id: 1, variant: 'canary', score: 0.7 },
      { id: 2, variant: 'shadow', score: 0.2 },
      { id: 2, score: 0.6 },
      { id: 3, variant: 'canary', score: 0.4 },
      { id: 'x4', variant: 'champion', score: 0.3 },
      { id: 'x4', variant: 'canary', score: 0.35 },
      { id: 'x4', variant: 'shadow', score: 0.8 },
    ];
    for (const e of events) m.record({ id: e.id, variant: e.variant, features: {}, prediction: { score: e.score } });
    const { cells, index } = m.state;
    const canary = cells[index.variantCell(1)].pairs;
    const shadow = cells[index.variantCell(2)].pairs;
    expect(canary).toEqual({ paired: 2, agreeing: 2, scored: 2, scoreDifference: expect.closeTo(0.2 + 0.05, 12) as number });
    expect(shadow).toEqual({ paired: 2, agreeing: 0, scored: 2, scoreDifference: expect.closeTo(0.4 + 0.5, 12) as number });
    expect(cells[index.variantCell(0)].pairs.paired).toBe(0);
    expect(m.state.pairing?.size).toBe(4); // 1, 2 and x4 keep the default's prediction for later variants; 3 waits
  });

  it('pairs only the variants configured as shadows (a canary serves other requests)', () => {
    const onlyShadow = { ...model, variants: { ...model.variants, shadows: ['shadow'] } };
    const m = new ModelMonitor(onlyShadow, ref, [0.01], NOW);
    for (const variant of ['champion', 'canary', 'shadow']) m.record({ id: 'r1', variant, features: {}, prediction: { score: 0.5 } });
    const { cells, index } = m.state;
    expect(cells[index.variantCell(1)].pairs.paired).toBe(0);
    expect(cells[index.variantCell(2)].pairs.paired).toBe(1);
    // Without shadows nothing waits for a pair at all.
    const none = new ModelMonitor({ ...model, variants: { ...model.variants, shadows: [] } }, ref, [0.01], NOW);
    expect(none.state.pairing).toBeNull();
  });

  it('counts a waiting prediction as expired after the TTL and as evicted beyond the bound', () => {
    const small = { ...model, variants: { names: VARIANTS, shadows: ['canary', 'shadow'], pairing_ttl_seconds: 10, max_pending_pairs: 2 } };
    const m = new ModelMonitor(small, ref, [0.01], NOW);
    const send = (id: string): void => void m.record({ id, variant: 'canary', features: {}, prediction: { score: 0.5 } });
    send('a');
    send('b');
    send('c'); // the store holds 2: 'a' is evicted
    expect(Array.from(m.state.pairing!.unpaired)).toEqual([0, 1]);
    m.state.advance(NOW + 11_000);
    send('d'); // 'b' and 'c' waited past the TTL
    expect(Array.from(m.state.pairing!.unpaired)).toEqual([2, 1]);
    expect(m.state.pairing!.size).toBe(1);
  });
});

describe('cell budget', () => {
  it('refuses more cells than max_cells, naming the count and the size of a cell', () => {
    const model = { ...slicedModel(), max_cells: 10 };
    const ref = reference(model);
    const budget = cellBudget(model, ref, [0.01, 0.1]);
    expect(budget.cells).toBe(13);
    const m = new ModelMonitor(model, ref, [0.01, 0.1], NOW);
    expect(budget.bytesPerCell * 13).toBe(m.state.bytes);
    expect(cellBudgetProblem(model, budget)).toMatch(/make 13 cells of .* each .* more than max_cells 10/);
    expect(cellBudgetProblem({ ...model, max_cells: 13 }, budget)).toBeNull();
  });
});

