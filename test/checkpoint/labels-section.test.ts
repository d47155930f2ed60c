// The label-join store and the realised performance in a checkpoint: predictions still waiting
// for their label, labels waiting for their prediction, the join counters, each cell's
// confusion counts and their window, and the lag histogram come back after a restore, and a
// label for a prediction made before the restart joins it then. A model with another
// fingerprint is refused (its labels start empty).
import { describe, expect, it } from 'vitest';
import { LabelsSection } from '../../src/checkpoint/labels-section.js';
import type { Part } from '../../src/checkpoint/format.js';
import { Fleet } from '../../src/monitor/fleet.js';
import { testConfig, testReference } from '../support/synthetic-reference.js';

const NOW = 1_800_000_000_000;

function fleet(checksum = 'test'): Fleet {
  return new Fleet(testConfig(), new Map([['shop', { ...testReference(), checksum }]]), () => NOW);
}

function parts(from: Fleet): Part[] {
  const section = new LabelsSection(() => from.models);
  return [...section.parts()].map(({ meta, payload }) => ({ meta: { section: 'labels', ...meta }, payload }));
}

function predict(f: Fleet, id: string, score: number): void {
  expect(f.models[0].monitor.record({ id, features: { price: 100, country: 'DE', returning: true }, prediction: { score } })).toBeNull();
}

describe('labels in a checkpoint', () => {
  it('restores pending predictions and labels, counters and performance; a pending prediction joins after the restart', () => {
    const before = fleet();
    for (let i = 0; i < 50; i++) predict(before, `p${i}`, i % 2 === 0 ? 0.9 : 0.1);
    const labels = before.models[0].monitor.state.labels;
    for (let i = 0; i < 30; i++) labels.recordLabel({ id: `p${i}`, label: i % 3 === 0 ? 'no' : 'yes' }, NOW + 1000);
    labels.recordLabel({ id: 'early', label: 'yes' }, NOW + 1000); // waits for its prediction
    const saved = parts(before);

    const after = fleet();
    const report = new LabelsSection(() => after.models).restore(saved, { nowMs: NOW + 2000, writtenAtMs: NOW + 1500 });
    expect(report).toEqual({ restored: ['shop'], foreign: [], corrupt: [] });
    const restored = after.models[0].monitor.state.labels;
    expect(restored.received).toBe(labels.received);
    expect(restored.store.joined).toBe(30);
    expect(restored.lag.count).toBe(labels.lag.count);
    expect(Array.from(restored.lag.buckets)).toEqual(Array.from(labels.lag.buckets));
    restored.cells.forEach((cell, i) => expect(Array.from(cell.totals)).toEqual(Array.from(labels.cells[i].totals)));
    expect(restored.store.snapshot().counters).toEqual(labels.store.snapshot().counters);

    // A prediction from before the restart joins its label now; the early label its prediction.
    restored.recordLabel({ id: 'p40', label: 'yes' }, NOW + 3000);
    predict(after, 'early', 0.8);
    expect(restored.store.joined).toBe(32);
  });

  it('refuses the labels of a model whose reference changed (another fingerprint)', () => {
    const before = fleet();
    predict(before, 'x', 0.5);
    const other = fleet('another-reference');
    const report = new LabelsSection(() => other.models).restore(parts(before), { nowMs: NOW, writtenAtMs: NOW });
    expect(report.foreign).toEqual(['shop']);
    expect(other.models[0].monitor.state.labels.hasStore).toBe(false);
  });
});
