// Event time (drift.window_time event): the accepted events each such model left out of its
// drift window, and why. Models on arrival time export nothing here.
import type { Fleet } from '../../monitor/fleet.js';
import { OUTSIDE_WINDOW_REASONS, type ModelState } from '../../monitor/state.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import type { Sample } from '../family.js';

export class EventTimeCollector implements Collector {
  readonly name = 'event_time';
  private readonly f = families({ outside: METRICS.eventsOutsideWindow });
  readonly families = Object.values(this.f);
  private readonly sources: { state: ModelState; samples: Sample[] }[];

  constructor(fleet: Fleet) {
    this.sources = fleet.models
      .filter((m) => m.monitor.model.drift.window_time === 'event')
      .map((m) => ({
        state: m.monitor.state,
        samples: OUTSIDE_WINDOW_REASONS.map((reason) => ({ labels: { model: m.monitor.model.name, reason }, value: 0 })),
      }));
    this.f.outside.samples = this.sources.flatMap((s) => s.samples);
  }

  update(): void {
    for (const { state, samples } of this.sources) samples.forEach((sample, r) => (sample.value = state.outsideWindow[r]));
  }
}
