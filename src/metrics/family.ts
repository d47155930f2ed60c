// A metric family whose samples a collector fills at scrape time from the monitor's
// typed arrays. It has the shape prom-client's Registry reads (name, help, type,
// get(), reset()), so one prom-client registry serialises it beside the process metrics;
// prom-client's own Counter/Histogram would make the hot path pay a labelled call per value.
import type { MetricDefinition, MetricType } from './definitions.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
  /** For histogram series: name_bucket, name_sum, name_count. */
  metricName?: string;
}

export class MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator = 'sum';
  /** Samples of the last update; a collector replaces or refills them. */
  samples: Sample[] = [];

  constructor(readonly definition: MetricDefinition) {
    this.name = definition.name;
    this.help = definition.help;
    this.type = definition.type;
  }

  async get(): Promise<{ name: string; help: string; type: MetricType; values: Sample[]; aggregator: string }> {
    return { name: this.name, help: this.help, type: this.type, values: this.samples, aggregator: this.aggregator };
  }

  reset(): void {
    this.samples = [];
  }
}

/** A label value for a bucket's upper bound, as Prometheus clients write it. */
export function formatLe(upperBound: number): string {
  return upperBound === Infinity ? '+Inf' : String(upperBound);
}

/**
 * The samples of one histogram series, made once; `fillHistogram` writes their values.
 * Bucket samples come first (one per bound, then +Inf), then _sum and _count.
 */
export function histogramSamples(name: string, labels: Record<string, string>, bounds: ArrayLike<number>): Sample[] {
  const samples: Sample[] = [];
  for (let i = 0; i <= bounds.length; i++) {
    const le = i < bounds.length ? formatLe(bounds[i]) : '+Inf';
    samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: 0 });
  }
  samples.push({ metricName: `${name}_sum`, labels, value: 0 });
  samples.push({ metricName: `${name}_count`, labels, value: 0 });
  return samples;
}

/** Fill samples made by histogramSamples from non-cumulative bucket counts. */
export function fillHistogram(samples: Sample[], bucketCounts: ArrayLike<number>, sum: number): void {
  let cumulative = 0;
  for (let i = 0; i < bucketCounts.length; i++) {
    cumulative += bucketCounts[i];
    samples[i].value = cumulative;
  }
  samples[bucketCounts.length].value = sum;
  samples[bucketCounts.length + 1].value = cumulative;
}
