// One concern per collector, as node_exporter does it: a collector owns its metric
// families and fills them from the monitor's arrays at scrape time. The registry runs
// each one in isolation, so one that throws costs only its own metrics.
import type { MetricDefinition } from './definitions.js';
import { MetricFamily } from './family.js';

export interface Collector {
  readonly name: string;
  readonly families: readonly MetricFamily[];
  /** Fill the families' samples. May throw; the registry then leaves them out of that scrape. */
  update(): void;
}

/** Make the families of a collector from their definitions, keyed for the collector's use. */
export function families<K extends string>(definitions: Record<K, MetricDefinition>): Record<K, MetricFamily> {
  const made = {} as Record<K, MetricFamily>;
  for (const key of Object.keys(definitions) as K[]) made[key] = new MetricFamily(definitions[key]);
  return made;
}
