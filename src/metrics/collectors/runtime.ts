// mlwatch's own health beside Node's process metrics: how late the event loop runs.
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import { fillHistogram, histogramSamples, type Sample } from '../family.js';
import { EVENT_LOOP_DELAY_BUCKETS, type EventLoopDelay } from '../event-loop.js';

export class RuntimeCollector implements Collector {
  readonly name = 'runtime';
  private readonly f = families({ delay: METRICS.eventLoopDelay, delayMax: METRICS.eventLoopDelayMax });
  readonly families = Object.values(this.f);
  private readonly delaySamples: Sample[];

  constructor(private readonly delay: EventLoopDelay) {
    this.delaySamples = histogramSamples(METRICS.eventLoopDelay.name, {}, EVENT_LOOP_DELAY_BUCKETS);
    this.f.delay.samples = this.delaySamples;
    this.f.delayMax.samples = [{ labels: {}, value: 0 }];
  }

  update(): void {
    fillHistogram(this.delaySamples, this.delay.bucketCounts, this.delay.sum);
    this.f.delayMax.samples[0].value = this.delay.lastMax;
  }
}
