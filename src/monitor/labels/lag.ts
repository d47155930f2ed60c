// Label lag (prediction → label, seconds) as a histogram: fixed buckets from a second to a
// week, since labels come from seconds (a click) to days (a chargeback).

export const LABEL_LAG_BUCKETS_SECONDS: readonly number[] = [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86_400, 3 * 86_400, 7 * 86_400];

export class LagHistogram {
  /** Non-cumulative counts, the last is +Inf. */
  readonly buckets = new Float64Array(LABEL_LAG_BUCKETS_SECONDS.length + 1);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    let b = 0;
    while (b < LABEL_LAG_BUCKETS_SECONDS.length && seconds > LABEL_LAG_BUCKETS_SECONDS[b]) b++;
    this.buckets[b]++;
    this.sum += seconds;
    this.count++;
  }
}
