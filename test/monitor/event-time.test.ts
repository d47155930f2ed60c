// drift.window_time event: an event counts in the sub-window of its own timestamp, so a
// replay (every event sent at once, in any order, after the fact) builds the window that
// the same events built live; an event older than the window, further ahead than the
// tolerance, or without a readable timestamp is counted and left out of the window, while
// every cumulative counter still has it.
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/config/types.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { OUTSIDE_WINDOW_REASONS } from '../../src/monitor/state.js';
import { seededRandom, testModel, testReference } from '../support/synthetic-reference.js';

const START = Date.parse('2026-12-01T10:00:00Z');

function events(count: number, seed: number): { timeMs: number; event: Record<string, unknown> }[] {
  const random = seededRandom(seed);
  // Spread over 50 s of a 60 s window, in time order.
  return Array.from({ length: count }, (_, i) => ({
    timeMs: START + Math.floor((i / count) * 50_000),
    event: {
      features: { price: 80 + random() * 40, country: random() < 0.5 ? 'DE' : 'FR', returning: random() < 0.3 },
      prediction: { score: random() },
    },
  }));
}

function monitorAt(model: ModelConfig, clock: { now: number }): ModelMonitor {
  return new ModelMonitor(model, testReference(model), [0.01, 0.1, 1], clock.now, undefined, () => clock.now);
}

function windowOf(monitor: ModelMonitor): number[] {
  const cell = monitor.state.cells[0];
  const sum = new Float64Array(monitor.layout.windowWidth);
  cell.sumWindowInto(sum);
  return [...sum];
}

describe('window_time: event', () => {
  const eventModel = testModel({ drift: { ...testModel().drift, window_time: 'event' } });
  const arrivalModel = testModel();

  it('a shuffled replay after the fact builds the window the same events built live', () => {
    const stream = events(3000, 5);
    // Live, on arrival time: each event arrives at its own time.
    const liveClock = { now: START };
    const live = monitorAt(arrivalModel, liveClock);
    for (const { timeMs, event } of stream) {
      liveClock.now = timeMs;
      live.state.advance(timeMs);
      expect(live.record(event)).toBeNull();
    }
    // Replay: 5 s after the last event, all of them at once, in a shuffled order, with their timestamps.
    const replayClock = { now: START };
    const replay = monitorAt(eventModel, replayClock);
    replayClock.now = START + 55_000;
    const random = seededRandom(9);
    const shuffled = stream.map((s) => ({ ...s, key: random() })).sort((a, b) => a.key - b.key);
    shuffled.forEach(({ timeMs, event }, i) => {
      // Half as Unix seconds, half as ISO 8601.
      const timestamp = i % 2 === 0 ? timeMs / 1000 : new Date(timeMs).toISOString();
      expect(replay.record({ ...event, timestamp })).toBeNull();
    });
    live.state.advance(START + 55_000);
    expect(replay.state.cells[0].window.currentBucket).toBe(live.state.cells[0].window.currentBucket);
    // Same counts and same within-bin offsets: exact up to float summation order (≤ 1e-9 relative).
    const a = windowOf(live);
    const b = windowOf(replay);
    b.forEach((v, i) => expect(Math.abs(v - a[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a[i]))));
    // Sub-window by sub-window too: the same buckets, each with the same counts.
    const liveWindow = live.state.cells[0].window;
    const replayWindow = replay.state.cells[0].window;
    expect([...replayWindow.buckets].sort()).toEqual([...liveWindow.buckets].sort());
    for (let s = 0; s < liveWindow.count; s++) {
      if (liveWindow.buckets[s] === Number.NEGATIVE_INFINITY) continue;
      const r = [...replayWindow.buckets].indexOf(liveWindow.buckets[s]);
      const price = live.layout.slots[0];
      // The raw sub-windows: both recorded in the same (write) layout, so entry by entry.
      for (let i = price.windowAt; i < price.windowAt + 2 * price.binCount; i++) expect(replayWindow.subWindows[r][i]).toBe(liveWindow.subWindows[s][i]);
    }
    expect([...replay.state.outsideWindow]).toEqual([0, 0, 0]);
  });

  it('late, early and unreadable timestamps are counted and left out of the window, not out of the counters', () => {
    const clock = { now: START + 120_000 };
    const monitor = monitorAt(eventModel, clock);
    const event = { features: { price: 100, country: 'DE', returning: false }, prediction: { score: 0.5 } };
    const nowS = clock.now / 1000;
    const sent = [
      { ...event, timestamp: nowS - 61 }, // late: older than the 60 s window
      { ...event, timestamp: nowS + 30 }, // early: beyond the 5 s tolerance
      { ...event, timestamp: nowS + 3 }, // within the tolerance: the newest sub-window
      { ...event, timestamp: 'yesterday' }, // unreadable
      { ...event }, // none
      { ...event, timestamp: nowS - 30 }, // within the window
    ];
    for (const e of sent) expect(monitor.record(e)).toBeNull();
    const counts = Object.fromEntries(OUTSIDE_WINDOW_REASONS.map((r, i) => [r, monitor.state.outsideWindow[i]]));
    expect(counts).toEqual({ late: 1, early: 1, no_timestamp: 2 });
    const cell = monitor.state.cells[0];
    const price = monitor.layout.slots[0];
    expect(cell.qualityCount(price, 0) + cell.qualityCount(price, 1) + cell.qualityCount(price, 2) + cell.qualityCount(price, 3)).toBeGreaterThan(0);
    expect(cell.versionCounts.reduce((x, y) => x + y, 0)).toBe(sent.length);
    const window = windowOf(monitor);
    let inWindow = 0;
    for (let b = 0; b < price.binCount; b++) inWindow += window[price.binOffset + b];
    expect(inWindow).toBe(2);
  });

  it('arrival time (the default) ignores timestamps', () => {
    const clock = { now: START };
    const monitor = monitorAt(arrivalModel, clock);
    const event = { features: { price: 100, country: 'DE', returning: false }, prediction: { score: 0.5 }, timestamp: 0 };
    expect(monitor.record(event)).toBeNull();
    const window = windowOf(monitor);
    const price = monitor.layout.slots[0];
    let inWindow = 0;
    for (let b = 0; b < price.binCount; b++) inWindow += window[price.binOffset + b];
    expect(inWindow).toBe(1);
    expect([...monitor.state.outsideWindow]).toEqual([0, 0, 0]);
  });
});

describe('mlwatch_events_outside_window_total', () => {
  it('is exported for models on event time only, by reason', async () => {
    const { Fleet } = await import('../../src/monitor/fleet.js');
    const { EventTimeCollector } = await import('../../src/metrics/collectors/event-time.js');
    const { testConfig } = await import('../support/synthetic-reference.js');
    const onEvent = testModel({ name: 'replayed', drift: { ...testModel().drift, window_time: 'event' } });
    const onArrival = testModel({ name: 'live' });
    const fleet = new Fleet(testConfig([onEvent, onArrival]), new Map([[onEvent.name, testReference(onEvent)], [onArrival.name, testReference(onArrival)]]));
    fleet.byName.get('replayed')?.monitor.record({ features: { price: 1 }, timestamp: 0 });
    const collector = new EventTimeCollector(fleet);
    collector.update();
    expect(collector.families[0].render()).toContain('mlwatch_events_outside_window_total{model="replayed",reason="late"} 1\n');
    expect(collector.families[0].render()).not.toContain('model="live"');
  });
});
