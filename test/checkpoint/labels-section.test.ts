// The label-join store and the realised performance in a checkpoint: predictions still waiting
// for their label, labels waiting for their prediction, the join counters, each cell's
// confusion counts and their window, and the lag histogram come back after a restore, and a
// label for a prediction made before the restart joins it then. A model with another
// fingerprint is refused (its labels start empty).
import { describe, expect, it } from 'vitest';
import { LabelsSection } from '../../src/checkpoint/labels-section.js';
import type { Part } from '../../src/checkpoint/format.js';
import { Fleet } from '../../src/monitor/fleet.js';
import type { LabelStoreConnection } from '../../src/monitor/labels/redis/connection.js';
import type { FleetJoin } from '../../src/monitor/labels/redis/fleet-join.js';
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

describe('labels in a checkpoint with label_store redis', () => {
  /** A connection that is never ready: the records stay in the outbox, nothing is sent. */
  const offline = { ready: false, keyPrefix: 'test:' } as unknown as LabelStoreConnection;
  const redisFleet = (): Fleet => new Fleet(testConfig(), new Map([['shop', { ...testReference(), checksum: 'test' }]]), () => NOW, offline);

  it('keeps the fleet join\'s counters and the realised performance (the records live in Redis)', async () => {
    const before = redisFleet();
    for (let i = 0; i < 3; i++) predict(before, `p${i}`, 0.9);
    const join = before.models[0].monitor.state.labels.fleet as FleetJoin;
    join.joined = 2;
    join.unmatched[1] = 4;
    join.errors[1] = 7;
    const saved = parts(before);
    expect(saved[0].meta).toMatchObject({ has_store: false, fleet_counters: true });

    const after = redisFleet();
    expect(new LabelsSection(() => after.models).restore(saved, { nowMs: NOW, writtenAtMs: NOW })).toEqual({ restored: ['shop'], foreign: [], corrupt: [] });
    const restored = after.models[0].monitor.state.labels.fleet as FleetJoin;
    expect(Array.from(restored.counters())).toEqual(Array.from(join.counters()));
    expect(restored.predictionsWithId).toBe(3);
    // A checkpoint of the in-process store does not fit a fleet join: refused, nothing changed.
    const memory = fleet();
    predict(memory, 'm', 0.5);
    expect(new LabelsSection(() => after.models).restore(parts(memory), { nowMs: NOW, writtenAtMs: NOW }).corrupt).toEqual(['shop']);
    await Promise.all([before.stopLabelJoins(), after.stopLabelJoins()]);
  });
});
