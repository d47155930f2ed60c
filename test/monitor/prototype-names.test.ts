// A feature named like an Object.prototype member (toString, valueOf, hasOwnProperty,
// constructor, __proto__, ...) that is absent from an event is missing, not a type error,
// and does not hide an unknown field. Present, it reads as the event's own value.
import { describe, expect, it } from 'vitest';
import { compileFeatureReader } from '../../src/monitor/feature-reader.js';
import { Q_MISSING, Q_TYPE_ERRORS, Q_VALUES } from '../../src/monitor/layout.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import type { FeatureConfig } from '../../src/config/types.js';
import { numericSketch, seededRandom, syntheticReference, testModel } from '../support/synthetic-reference.js';

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

describe('features named like Object.prototype members', () => {
  it('the reader gives undefined when absent and the own value when present', () => {
    const names = [...PROTOTYPE_NAMES, 'price'];
    const read = compileFeatureReader(names);
    const values = new Array<unknown>(names.length);
    read(JSON.parse('{"price":3}') as Record<string, unknown>, values);
    expect(values).toEqual([...PROTOTYPE_NAMES.map(() => undefined), 3]);
    const own = Object.fromEntries(names.map((n, i) => [n, i]));
    read(JSON.parse(JSON.stringify(own)) as Record<string, unknown>, values);
    expect(values).toEqual(names.map((_, i) => i));
  });

  it('counts them missing and keeps the unknown-field count honest', () => {
    expect(PROTOTYPE_NAMES).toEqual(expect.arrayContaining(['toString', 'valueOf', 'hasOwnProperty', 'constructor', '__proto__']));
    const features: FeatureConfig[] = PROTOTYPE_NAMES.map((name) => ({ name, type: 'numeric', nullable: false }));
    const model = testModel({ features });
    const random = seededRandom(3);
    const sketch = () => numericSketch(Array.from({ length: 200 }, () => random()));
    const reference = syntheticReference(model, Object.fromEntries(PROTOTYPE_NAMES.map((n) => [n, sketch()])), sketch());
    const monitor = new ModelMonitor(model, reference, [1]);
    expect(monitor.record(JSON.parse('{"features":{"surprise":1},"prediction":0.5}'))).toBeNull();
    PROTOTYPE_NAMES.forEach((_, slot) => {
      const cell = monitor.state.defaultCell;
      const at = monitor.layout.slots[slot];
      expect([cell.qualityCount(at, Q_MISSING), cell.qualityCount(at, Q_TYPE_ERRORS)]).toEqual([1, 0]);
    });
    expect(monitor.state.defaultCell.unknownFields).toBe(1);
    const present = JSON.parse(JSON.stringify({ features: Object.fromEntries(PROTOTYPE_NAMES.map((n) => [n, 0.5])), prediction: 0.5 }));
    expect(monitor.record(present)).toBeNull();
    PROTOTYPE_NAMES.forEach((_, slot) => expect(monitor.state.defaultCell.qualityCount(monitor.layout.slots[slot], Q_VALUES)).toBe(1));
    expect(monitor.state.defaultCell.unknownFields).toBe(1);
  });

  it('reads a binary score from scores keyed by a class named like a prototype member', () => {
    const model = testModel({ classes: ['no', 'constructor'] });
    const random = seededRandom(5);
    const sketch = () => numericSketch(Array.from({ length: 200 }, () => random()));
    const reference = syntheticReference(model, { price: sketch(), country: { kind: 'categorical', count: 1, missing: 0, invalid: 0, categories: [{ value: 'DE', count: 1 }], other_count: 0 }, returning: { kind: 'categorical', count: 1, missing: 0, invalid: 0, categories: [{ value: 'true', count: 1 }], other_count: 0 } }, sketch());
    const monitor = new ModelMonitor(model, reference, [1]);
    expect(monitor.record(JSON.parse('{"features":{},"prediction":{"scores":{"no":0.3}}}'))).toBeNull();
    const cell = monitor.state.defaultCell;
    const slot = monitor.layout.prediction;
    expect([cell.qualityCount(slot, Q_MISSING), cell.qualityCount(slot, Q_TYPE_ERRORS)]).toEqual([1, 0]);
  });
});
