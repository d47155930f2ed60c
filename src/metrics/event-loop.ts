// Event-loop delay as mlwatch sees it from inside: perf_hooks' monitorEventLoopDelay,
// read and reset once a second, so each second contributes its largest delay to a
// cumulative histogram (never reset by a scrape, whoever scrapes and however often).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export const EVENT_LOOP_DELAY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
const RESOLUTION_MS = 10;
const PERIOD_MS = 1000;

export class EventLoopDelay {
  /** Non-cumulative counts per bucket, then +Inf. */
  readonly bucketCounts = new Float64Array(EVENT_LOOP_DELAY_BUCKETS.length + 1);
  sum = 0;
  /** The largest delay of the last whole second, seconds (0 before the first). */
  lastMax = 0;
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    if (this.timer !== null) return;
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), PERIOD_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.histogram.disable();
  }

  private sample(): void {
    // max is 0 when the histogram saw nothing, else nanoseconds.
    const max = this.histogram.count > 0 ? this.histogram.max / 1e9 : 0;
    this.histogram.reset();
    this.observe(max);
  }

  observe(seconds: number): void {
    let i = 0;
    while (i < EVENT_LOOP_DELAY_BUCKETS.length && seconds > EVENT_LOOP_DELAY_BUCKETS[i]) i++;
    this.bucketCounts[i]++;
    this.sum += seconds;
    this.lastMax = seconds;
  }
}
