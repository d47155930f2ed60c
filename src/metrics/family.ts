// A metric family whose samples a collector fills at scrape time from the monitor's
// typed arrays, and which writes itself in the Prometheus text format. Each sample's
// series text (name and escaped labels) is made the first time it is written and kept,
// since the samples live as long as the process: a scrape then only formats numbers.
// (prom-client's Counter/Histogram would make the hot path pay a labelled call per value,
// and its registry re-escapes every label on every scrape: half of a scrape's time.)
import type { MetricDefinition, MetricType } from './definitions.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
  /** For histogram series: name_bucket, name_sum, name_count. */
  metricName?: string;
  /** The rendered `name{labels}`, made on first use. */
  series?: string;
}

export class MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** Samples of the last update; a collector replaces or refills them. */
  samples: Sample[] = [];
  private readonly header: string;

  constructor(readonly definition: MetricDefinition) {
    this.name = definition.name;
    this.help = definition.help;
    this.type = definition.type;
    this.header = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  /** The family in the text exposition format (version 0.0.4). */
  render(): string {
    let text = this.header;
    for (const sample of this.samples) {
      sample.series ??= seriesText(sample.metricName ?? this.name, sample.labels);
      text += `${sample.series} ${formatValue(sample.value)}\n`;
    }
    return text;
  }
}

function seriesText(name: string, labels: Record<string, string>): string {
  let text = '';
  for (const key in labels) text += `${text === '' ? '' : ','}${key}="${escapeLabelValue(labels[key])}"`;
  return text === '' ? name : `${name}{${text}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** A sample value as the text format spells it. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * A bucket bound as a label value, in the form Prometheus 3 rewrites `le` into at scrape
 * (Go's strconv.FormatFloat(x, 'g', -1, 64), with ".0" added when it has neither a dot nor
 * an exponent): 2.x stores it as written and 3.x leaves it alone, so the reference bin
 * gauges' lower/upper labels pair with the stored `le` on both.
 */
export function formatLe(bound: number): string {
  if (bound === Infinity) return '+Inf';
  if (bound === -Infinity) return '-Inf';
  if (Number.isNaN(bound)) return 'NaN';
  if (bound === 0) return '0.0';
  // toExponential() gives the shortest round-trip digits, as Go's precision -1 does.
  const [mantissa, exponentText] = bound.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const plain = String(bound);
  return plain.includes('.') ? plain : `${plain}.0`;
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
